//! DescribeRegions and DescribeAvailabilityZones over the static region table.

use crate::actions::common::{dry_run, parse_filters};
use crate::actions::Call;
use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::{check_names, matches_all, Filterable};
use crate::model::regions::{endpoint, Region, Zone, REGIONS};
use crate::model::tags::Tags;
use crate::model::World;

/// Regions and zones carry no tags; tag filters simply match nothing.
static NO_TAGS: Tags = Tags::new();

pub fn describe_regions(call: &Call<'_>, _world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let names = p.string_list("RegionName");
    // Every region is enabled in every world, so AllRegions changes nothing; it is still read.
    let _all_regions = p.bool("AllRegions")?;
    let filters = parse_filters(&p)?;
    call.finish()?;
    check_names::<Region>(&filters)?;
    let unknown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !REGIONS.iter().any(|r| r.name == *n))
        .collect();
    if !unknown.is_empty() {
        // EC2's wording, brackets included: `Invalid region: [us--east-1]`.
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Invalid region: [{}]",
            unknown.join(", ")
        )));
    }
    if dry {
        return Err(Ec2Error::DryRunOperation);
    }
    let chosen = REGIONS
        .iter()
        .filter(|r| names.is_empty() || names.iter().any(|n| n == r.name))
        .filter(|r| matches_all(*r, &filters));
    Ok(call.reply(|w| {
        w.list("regionInfo", chosen, |w, r| {
            w.text("regionName", r.name);
            w.text("regionEndpoint", endpoint(r.name));
            w.text("optInStatus", r.opt_in_status);
        });
    }))
}

pub fn describe_availability_zones(call: &Call<'_>, world: &mut World) -> Ec2Result<Vec<u8>> {
    let p = call.root();
    let dry = dry_run(&p)?;
    let names = p.string_list("ZoneName");
    let ids = p.string_list("ZoneId");
    // Local and Wavelength zones are not modelled, so every zone is listed either way.
    let _all = p.bool("AllAvailabilityZones")?;
    let filters = parse_filters(&p)?;
    call.finish()?;
    check_names::<Zone>(&filters)?;
    let region = world.region;
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| region.zone(n).is_none())
        .chain(ids.iter().filter(|i| region.zone_by_id(i).is_none()))
        .collect();
    if !unknown.is_empty() {
        let list: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Invalid availability zone: [{}]",
            list.join(", ")
        )));
    }
    if dry {
        return Err(Ec2Error::DryRunOperation);
    }
    let chosen = region
        .zones
        .iter()
        .filter(|z| {
            (names.is_empty() && ids.is_empty())
                || names.iter().any(|n| n == z.name)
                || ids.iter().any(|i| i == z.id)
        })
        .filter(|z| matches_all(*z, &filters));
    Ok(call.reply(|w| {
        w.list("availabilityZoneInfo", chosen, |w, z| {
            w.text("zoneName", z.name);
            w.text("zoneState", z.state);
            w.text("regionName", region.name);
            w.text("zoneId", z.id);
            w.text("groupName", region.name);
            w.text("optInStatus", "opt-in-not-required");
            w.list("messageSet", std::iter::empty::<()>(), |_, _| {});
            w.text("networkBorderGroup", region.name);
            w.text("zoneType", "availability-zone");
        });
    }))
}

impl Filterable for Region {
    const FILTER_NAMES: &'static [&'static str] = &["endpoint", "opt-in-status", "region-name"];

    fn tags(&self) -> &Tags {
        &NO_TAGS
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        match name {
            "endpoint" => vec![endpoint(self.name)],
            "opt-in-status" => vec![self.opt_in_status.to_owned()],
            "region-name" => vec![self.name.to_owned()],
            _ => Vec::new(),
        }
    }
}

impl Filterable for Zone {
    const FILTER_NAMES: &'static [&'static str] = &[
        "group-name",
        "message",
        "network-border-group",
        "opt-in-status",
        "region-name",
        "state",
        "zone-id",
        "zone-name",
        "zone-type",
    ];

    fn tags(&self) -> &Tags {
        &NO_TAGS
    }

    fn filter_values(&self, name: &str) -> Vec<String> {
        let region = self.region_name();
        match name {
            "group-name" | "network-border-group" | "region-name" => vec![region.to_owned()],
            "opt-in-status" => vec!["opt-in-not-required".to_owned()],
            "state" => vec![self.state.to_owned()],
            "zone-id" => vec![self.id.to_owned()],
            "zone-name" => vec![self.name.to_owned()],
            "zone-type" => vec!["availability-zone".to_owned()],
            _ => Vec::new(),
        }
    }
}
