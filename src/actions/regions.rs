//! DescribeRegions and DescribeAvailabilityZones over the static region table.

use crate::actions::common::parse_filters;
use crate::actions::{Action, Call, Global};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::filters::{check_names, matches_all, Filter, Filterable};
use crate::model::regions::{endpoint, Region, Zone, REGIONS};
use crate::model::tags::Tags;
use crate::wire::xml::XmlWriter;

/// Regions and zones carry no tags; tag filters simply match nothing.
static NO_TAGS: Tags = Tags::new();

pub struct DescribeRegions {
    names: Vec<String>,
    filters: Vec<Filter>,
}

impl Action for DescribeRegions {
    type Output = Vec<&'static Region>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let names = p.string_list("RegionName");
        // Every region is enabled in every world, so AllRegions changes nothing; it is read.
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
        Ok(DescribeRegions { names, filters })
    }

    fn render(regions: &Self::Output, w: &mut XmlWriter) {
        w.list("regionInfo", regions, |w, r| {
            w.text("regionName", r.name);
            w.text("regionEndpoint", endpoint(r.name));
            w.text("optInStatus", r.opt_in_status);
        });
    }
}

impl Global for DescribeRegions {
    fn answer(self, _region: &'static Region) -> Ec2Result<Self::Output> {
        Ok(REGIONS
            .iter()
            .filter(|r| self.names.is_empty() || self.names.iter().any(|n| n == r.name))
            .filter(|r| matches_all(*r, &self.filters))
            .collect())
    }
}

pub struct DescribeAvailabilityZones {
    names: Vec<String>,
    ids: Vec<String>,
    filters: Vec<Filter>,
}

impl Action for DescribeAvailabilityZones {
    type Output = (&'static Region, Vec<&'static Zone>);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let names = p.string_list("ZoneName");
        let ids = p.string_list("ZoneId");
        // Local and Wavelength zones are not modelled, so every zone is listed either way.
        let _all = p.bool("AllAvailabilityZones")?;
        let filters = parse_filters(&p)?;
        call.finish()?;
        check_names::<Zone>(&filters)?;
        Ok(DescribeAvailabilityZones {
            names,
            ids,
            filters,
        })
    }

    fn render((region, zones): &Self::Output, w: &mut XmlWriter) {
        w.list("availabilityZoneInfo", zones, |w, z| {
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
    }
}

impl Global for DescribeAvailabilityZones {
    fn answer(self, region: &'static Region) -> Ec2Result<Self::Output> {
        let unknown: Vec<&str> = self
            .names
            .iter()
            .filter(|n| region.zone(n).is_none())
            .chain(self.ids.iter().filter(|i| region.zone_by_id(i).is_none()))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "Invalid availability zone: [{}]",
                unknown.join(", ")
            )));
        }
        let chosen = region
            .zones
            .iter()
            .filter(|z| {
                (self.names.is_empty() && self.ids.is_empty())
                    || self.names.iter().any(|n| n == z.name)
                    || self.ids.iter().any(|i| i == z.id)
            })
            .filter(|z| matches_all(*z, &self.filters))
            .collect();
        Ok((region, chosen))
    }
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
