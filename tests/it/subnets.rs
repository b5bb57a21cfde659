//! CreateSubnet, DescribeSubnets, DeleteSubnet, ModifySubnetAttribute.

use crate::support::Server;

#[tokio::test]
async fn default_subnets_are_one_slash_20_per_zone() {
    let s = Server::start().await;
    let r = s.call("DescribeSubnets", &[]).await;
    let mut cidrs = r.ok().all("cidrBlock");
    cidrs.sort();
    assert_eq!(cidrs.len(), 6, "us-east-1 has six zones");
    assert_eq!(cidrs[0], "172.31.0.0/20");
    assert!(r.doc.all("defaultForAz").iter().all(|d| d == "true"));
    assert!(r
        .doc
        .all("availableIpAddressCount")
        .iter()
        .all(|c| c == "4091"));
}
