//! DescribeRegions and DescribeAvailabilityZones.

use crate::support::{Reply, Server};

fn region_names(r: &Reply) -> Vec<String> {
    r.ok().all("regionName")
}

fn zone_names(r: &Reply) -> Vec<String> {
    r.ok().all("zoneName")
}

#[tokio::test]
async fn zones_of_the_callers_region() {
    let s = Server::start().await;
    let r = s
        .call_as(
            "AKIDEXAMPLE",
            "ap-southeast-1",
            "DescribeAvailabilityZones",
            &[],
        )
        .await;
    let zones = r.ok().all("zoneName");
    assert!(zones.contains(&"ap-southeast-1b".to_string()), "{zones:?}");
    assert!(zones.iter().all(|z| z.starts_with("ap-southeast-1")));
    assert!(r
        .doc
        .all("regionName")
        .iter()
        .all(|n| n == "ap-southeast-1"));
    assert!(r
        .doc
        .all("zoneId")
        .iter()
        .all(|n| n.starts_with("apse1-az")));
}

#[tokio::test]
async fn describe_regions_lists_every_region_with_its_endpoint() {
    let s = Server::start().await;
    let r = s.call("DescribeRegions", &[]).await;
    let items = r.ok().items("regionInfo");
    assert_eq!(items.len(), 32);
    let names: Vec<String> = items.iter().map(|i| i.get("regionName")).collect();
    for name in [
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "ap-southeast-1",
        "af-south-1",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} missing: {names:?}");
    }
    for item in &items {
        let name = item.get("regionName");
        assert_eq!(
            item.get("regionEndpoint"),
            format!("ec2.{name}.amazonaws.com")
        );
        let status = item.get("optInStatus");
        assert!(
            status == "opt-in-not-required" || status == "opted-in",
            "{name}: {status}"
        );
    }
    // AllRegions is accepted; every region is enabled in every world, so nothing changes.
    let all = s.call("DescribeRegions", &[("AllRegions", "true")]).await;
    assert_eq!(region_names(&all), names);
    // Every region answers the same list, whatever the caller's region.
    let r = s
        .call_as("AKIDEXAMPLE", "eu-west-3", "DescribeRegions", &[])
        .await;
    assert_eq!(region_names(&r), names);
}

#[tokio::test]
async fn describe_regions_by_name() {
    let s = Server::start().await;
    let r = s
        .call(
            "DescribeRegions",
            &[("RegionName.1", "eu-west-1"), ("RegionName.2", "us-east-1")],
        )
        .await;
    let mut names = region_names(&r);
    names.sort();
    assert_eq!(names, ["eu-west-1", "us-east-1"]);

    // An unknown name fails the whole call. Real EC2 answers
    // `Invalid region: [us--east-1]` (seen in awslabs/amazon-s3-tar-tool#7).
    let msg = s
        .call(
            "DescribeRegions",
            &[("RegionName.1", "us-east-1"), ("RegionName.2", "us-east-9")],
        )
        .await
        .err400("InvalidParameterValue");
    assert_eq!(msg, "Invalid region: [us-east-9]");
}

#[tokio::test]
async fn describe_regions_filters() {
    let s = Server::start().await;
    let filter = |name: &'static str, value: &'static str| {
        vec![("Filter.1.Name", name), ("Filter.1.Value.1", value)]
    };
    let r = s
        .call("DescribeRegions", &filter("region-name", "us-*"))
        .await;
    assert_eq!(
        region_names(&r),
        ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]
    );
    let r = s
        .call("DescribeRegions", &filter("region-name", "eu-?est-1"))
        .await;
    assert_eq!(region_names(&r), ["eu-west-1"]);
    let r = s
        .call(
            "DescribeRegions",
            &filter("endpoint", "ec2.ap-northeast-2.amazonaws.com"),
        )
        .await;
    assert_eq!(region_names(&r), ["ap-northeast-2"]);
    let r = s
        .call("DescribeRegions", &filter("endpoint", "*.eu-central-*"))
        .await;
    assert_eq!(region_names(&r), ["eu-central-1", "eu-central-2"]);

    let r = s
        .call("DescribeRegions", &filter("opt-in-status", "opted-in"))
        .await;
    let opted = region_names(&r);
    assert!(opted.contains(&"af-south-1".to_string()), "{opted:?}");
    assert!(!opted.contains(&"us-east-1".to_string()), "{opted:?}");
    let r = s
        .call(
            "DescribeRegions",
            &filter("opt-in-status", "opt-in-not-required"),
        )
        .await;
    let classic = region_names(&r);
    assert!(classic.contains(&"us-east-1".to_string()));
    assert_eq!(opted.len() + classic.len(), 32);

    // Two values of one filter are ORed; two filters are ANDed.
    let r = s
        .call(
            "DescribeRegions",
            &[
                ("Filter.1.Name", "region-name"),
                ("Filter.1.Value.1", "us-east-1"),
                ("Filter.1.Value.2", "af-south-1"),
                ("Filter.2.Name", "opt-in-status"),
                ("Filter.2.Value.1", "opted-in"),
            ],
        )
        .await;
    assert_eq!(region_names(&r), ["af-south-1"]);

    let msg = s
        .call("DescribeRegions", &filter("zone-name", "x"))
        .await
        .err400("InvalidParameterValue");
    assert_eq!(msg, "The filter 'zone-name' is invalid");
}

#[tokio::test]
async fn us_east_1_has_six_zones_a_to_f() {
    let s = Server::start().await;
    let r = s.call("DescribeAvailabilityZones", &[]).await;
    let items = r.ok().items("availabilityZoneInfo");
    let names: Vec<String> = items.iter().map(|i| i.get("zoneName")).collect();
    assert_eq!(
        names,
        [
            "us-east-1a",
            "us-east-1b",
            "us-east-1c",
            "us-east-1d",
            "us-east-1e",
            "us-east-1f"
        ]
    );
    let mut ids: Vec<String> = items.iter().map(|i| i.get("zoneId")).collect();
    ids.sort();
    assert_eq!(
        ids,
        ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"]
    );
    for item in &items {
        assert_eq!(item.get("zoneState"), "available");
        assert_eq!(item.get("regionName"), "us-east-1");
        assert_eq!(item.get("zoneType"), "availability-zone");
        assert_eq!(item.get("optInStatus"), "opt-in-not-required");
    }
}

async fn zones_filtered(s: &Server, name: &str, value: &str) -> Reply {
    s.call(
        "DescribeAvailabilityZones",
        &[("Filter.1.Name", name), ("Filter.1.Value.1", value)],
    )
    .await
}

#[tokio::test]
async fn availability_zone_filters() {
    let s = Server::start().await;
    let call = |name, value| zones_filtered(&s, name, value);
    assert_eq!(
        zone_names(&call("zone-name", "us-east-1c").await),
        ["us-east-1c"]
    );
    assert_eq!(
        zone_names(&call("zone-name", "us-east-1[?]").await),
        Vec::<String>::new()
    );
    assert_eq!(zone_names(&call("zone-name", "*-1?").await).len(), 6);
    let r = call("zone-id", "use1-az1").await;
    assert_eq!(zone_names(&r), ["us-east-1b"]);
    assert_eq!(r.doc.text("zoneId"), "use1-az1");
    assert_eq!(zone_names(&call("zone-id", "use1-az*").await).len(), 6);
    assert_eq!(zone_names(&call("region-name", "us-east-1").await).len(), 6);
    // Zones are those of the caller's region only.
    assert!(zone_names(&call("region-name", "eu-west-1").await).is_empty());
    assert_eq!(zone_names(&call("state", "available").await).len(), 6);
    assert!(zone_names(&call("state", "impaired").await).is_empty());

    let msg = s
        .call(
            "DescribeAvailabilityZones",
            &[("Filter.1.Name", "x"), ("Filter.1.Value.1", "y")],
        )
        .await
        .err400("InvalidParameterValue");
    assert_eq!(msg, "The filter 'x' is invalid");
    // A region filter name is not a zone filter name.
    s.call(
        "DescribeAvailabilityZones",
        &[("Filter.1.Name", "endpoint"), ("Filter.1.Value.1", "y")],
    )
    .await
    .err400("InvalidParameterValue");
}

#[tokio::test]
async fn availability_zones_by_name_and_id() {
    let s = Server::start().await;
    let r = s
        .call(
            "DescribeAvailabilityZones",
            &[("ZoneName.1", "us-east-1d"), ("ZoneName.2", "us-east-1a")],
        )
        .await;
    assert_eq!(zone_names(&r), ["us-east-1a", "us-east-1d"]);
    let r = s
        .call(
            "DescribeAvailabilityZones",
            &[("ZoneId.1", "use1-az6"), ("ZoneId.2", "use1-az5")],
        )
        .await;
    assert_eq!(zone_names(&r), ["us-east-1a", "us-east-1f"]);
    // Names and IDs together select the union.
    let r = s
        .call(
            "DescribeAvailabilityZones",
            &[("ZoneName.1", "us-east-1b"), ("ZoneId.1", "use1-az2")],
        )
        .await;
    assert_eq!(zone_names(&r), ["us-east-1b", "us-east-1c"]);
    // Names plus a filter: the filter narrows the named zones.
    let r = s
        .call(
            "DescribeAvailabilityZones",
            &[
                ("ZoneName.1", "us-east-1a"),
                ("ZoneName.2", "us-east-1b"),
                ("Filter.1.Name", "zone-id"),
                ("Filter.1.Value.1", "use1-az1"),
            ],
        )
        .await;
    assert_eq!(zone_names(&r), ["us-east-1b"]);

    // EC2 answers `Invalid availability zone: [us-east-1z]` for a zone it does not have.
    let msg = s
        .call("DescribeAvailabilityZones", &[("ZoneName.1", "us-east-1z")])
        .await
        .err400("InvalidParameterValue");
    assert_eq!(msg, "Invalid availability zone: [us-east-1z]");
    // A zone of another region is unknown in this one.
    let msg = s
        .call("DescribeAvailabilityZones", &[("ZoneName.1", "eu-west-1a")])
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains("eu-west-1a"), "{msg}");
    let msg = s
        .call("DescribeAvailabilityZones", &[("ZoneId.1", "use1-az9")])
        .await
        .err400("InvalidParameterValue");
    assert!(msg.contains("use1-az9"), "{msg}");
    // The same zone asked from its own region works.
    let r = s
        .call_as(
            "AKIDEXAMPLE",
            "eu-west-1",
            "DescribeAvailabilityZones",
            &[("ZoneName.1", "eu-west-1a")],
        )
        .await;
    assert_eq!(zone_names(&r), ["eu-west-1a"]);
}

#[tokio::test]
async fn zone_ids_are_consistent_with_subnets() {
    // The zone id DescribeAvailabilityZones reports is the one subnets carry.
    let s = Server::start().await;
    let zones = s.call("DescribeAvailabilityZones", &[]).await;
    let zones = zones.ok().items("availabilityZoneInfo");
    let subnets = s.call("DescribeSubnets", &[]).await;
    for subnet in subnets.ok().items("subnetSet") {
        let zone = zones
            .iter()
            .find(|z| z.get("zoneName") == subnet.get("availabilityZone"))
            .expect("subnet zone is listed");
        assert_eq!(zone.get("zoneId"), subnet.get("availabilityZoneId"));
    }
}
