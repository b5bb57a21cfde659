//! `--seed`: the same seed and the same requests give byte-identical replies on every run:
//! every ID, MAC address, automatically chosen address and request ID.

use ec2_mock::Config;

use crate::persistence::Binary;
use crate::support::Server;

/// A sequence that draws every kind of generated value, returning each reply's body.
async fn run(server: &Server) -> Vec<String> {
    let mut replies = Vec::new();
    let mut call = |body: String| {
        replies.push(body.clone());
        crate::support::Node::parse(&body)
    };
    let vpc = call(
        server
            .call(
                "CreateVpc",
                &[
                    ("CidrBlock", "10.0.0.0/16"),
                    ("AmazonProvidedIpv6CidrBlock", "true"),
                ],
            )
            .await
            .body,
    )
    .text("vpcId");
    let v6 =
        call(server.call("DescribeVpcs", &[("VpcId.1", &vpc)]).await.body).text("ipv6CidrBlock");
    let subnet = call(
        server
            .call(
                "CreateSubnet",
                &[
                    ("VpcId", &vpc),
                    ("CidrBlock", "10.0.1.0/24"),
                    ("Ipv6CidrBlock", &v6.replace("/56", "/64")),
                ],
            )
            .await
            .body,
    )
    .text("subnetId");
    let group = call(
        server
            .call(
                "CreateSecurityGroup",
                &[
                    ("GroupName", "app"),
                    ("GroupDescription", "app"),
                    ("VpcId", &vpc),
                ],
            )
            .await
            .body,
    )
    .text("groupId");
    call(
        server
            .call(
                "AuthorizeSecurityGroupIngress",
                &[
                    ("GroupId", &group),
                    ("IpPermissions.1.IpProtocol", "tcp"),
                    ("IpPermissions.1.FromPort", "80"),
                    ("IpPermissions.1.ToPort", "80"),
                    ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
                ],
            )
            .await
            .body,
    );
    for _ in 0..3 {
        call(
            server
                .call(
                    "CreateNetworkInterface",
                    &[
                        ("SubnetId", &subnet),
                        ("SecurityGroupId.1", &group),
                        ("SecondaryPrivateIpAddressCount", "2"),
                        ("Ipv6AddressCount", "2"),
                        ("Ipv4PrefixCount", "0"),
                    ],
                )
                .await
                .body,
        );
    }
    for action in [
        "DescribeVpcs",
        "DescribeSubnets",
        "DescribeSecurityGroups",
        "DescribeNetworkInterfaces",
    ] {
        call(server.call(action, &[]).await.body);
    }
    replies
}

async fn seeded(seed: u64) -> Server {
    Server::with_config(Config::new("123456789012", "us-east-1", seed).unwrap()).await
}

#[tokio::test]
async fn the_same_seed_gives_byte_identical_replies() {
    let first = run(&seeded(7).await).await;
    let second = run(&seeded(7).await).await;
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert!(a.contains("Response"), "{a}");
        assert_eq!(a, b);
    }
    // The seed is what decides: another one gives other IDs (and other request IDs).
    let other = run(&seeded(8).await).await;
    assert_ne!(first[0], other[0]);
    let request_id = |body: &str| crate::support::Node::parse(body).text("requestId");
    assert_ne!(request_id(&first[1]), request_id(&other[1]));
}

/// A failed request, or a dry run, draws nothing a later success would have drawn: the
/// transaction gives back the streams with everything else.
#[tokio::test]
async fn refused_requests_do_not_shift_the_ids_of_later_ones() {
    let plain = seeded(11).await;
    let vpc_a = crate::support::Node::parse(
        &plain
            .call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
            .await
            .body,
    )
    .text("vpcId");
    let noisy = seeded(11).await;
    // A dry run and a refused create in between: same VPC ID afterwards.
    noisy
        .call(
            "CreateVpc",
            &[("CidrBlock", "10.0.0.0/16"), ("DryRun", "true")],
        )
        .await;
    noisy
        .call("CreateVpc", &[("CidrBlock", "10.0.0.0/8")])
        .await;
    let vpc_b = crate::support::Node::parse(
        &noisy
            .call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
            .await
            .body,
    )
    .text("vpcId");
    assert_eq!(vpc_a, vpc_b);
}

#[tokio::test]
async fn two_runs_of_the_binary_with_one_seed_agree() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let server = Binary::start(&["--port", "0", "--seed", "31337"]).await;
        let mut replies = Vec::new();
        let (_, vpc) = server
            .call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])
            .await;
        replies.push(vpc.clone());
        let vpc = crate::support::Node::parse(&vpc).text("vpcId");
        let (_, subnet) = server
            .call(
                "CreateSubnet",
                &[("VpcId", &vpc), ("CidrBlock", "10.0.0.0/24")],
            )
            .await;
        replies.push(subnet.clone());
        let subnet = crate::support::Node::parse(&subnet).text("subnetId");
        for _ in 0..2 {
            let (_, eni) = server
                .call(
                    "CreateNetworkInterface",
                    &[
                        ("SubnetId", &subnet),
                        ("SecondaryPrivateIpAddressCount", "3"),
                    ],
                )
                .await;
            replies.push(eni.clone());
        }
        let (_, all) = server.call("DescribeNetworkInterfaces", &[]).await;
        replies.push(all);
        server.stop("TERM").await;
        runs.push(replies);
    }
    assert_eq!(runs[0], runs[1]);
}
