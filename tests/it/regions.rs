//! DescribeRegions and DescribeAvailabilityZones.

use crate::support::Server;

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
}
