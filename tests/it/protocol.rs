//! The Query API protocol: routing, parameter decoding, error envelopes, callers.

use crate::support::Server;

#[tokio::test]
async fn missing_action_is_an_ec2_error_document() {
    let s = Server::start().await;
    s.post_raw("Version=2016-11-15", &[])
        .await
        .err400("MissingAction");
}

#[tokio::test]
async fn get_with_query_string_works_like_post() {
    let s = Server::start().await;
    let r = s.get("Action=DescribeVpcs&Version=2016-11-15").await;
    assert_eq!(r.ok().items("vpcSet").len(), 1);
}
