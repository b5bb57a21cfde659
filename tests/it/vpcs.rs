//! CreateVpc, DescribeVpcs, DeleteVpc.

use crate::support::Server;

#[tokio::test]
async fn every_world_starts_with_the_default_vpc() {
    let s = Server::start().await;
    let r = s.call("DescribeVpcs", &[]).await;
    let vpcs = r.ok().items("vpcSet");
    assert_eq!(vpcs.len(), 1);
    assert_eq!(vpcs[0].get("cidrBlock"), "172.31.0.0/16");
    assert_eq!(vpcs[0].get("isDefault"), "true");
}
