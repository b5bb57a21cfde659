//! Integration tests: one binary, a module per area, each driving a real server over HTTP.

// Tests wait on real time and sign requests with the real clock; only the server's own code
// must take time and randomness from `ec2_mock::sources` (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod support;

mod account_and_sts;
mod admin;
mod auth;
mod cli;
mod concurrency;
mod determinism;
mod dhcp_options;
mod docker_entrypoint;
mod elastic_ips;
mod embed;
mod healthcheck;
mod host_flag;
mod init_log;
mod init_state;
mod instances;
mod interface_addresses;
mod interface_attributes;
mod interface_permissions;
mod internet_gateways;
mod limits;
mod logging;
mod model_properties;
mod network_acls;
mod network_interfaces;
mod persistence;
mod prefix_lists;
mod process;
mod protocol;
mod regions;
mod route_tables;
mod sdk;
mod sdk_network_interfaces;
mod security_group_rules;
mod security_groups;
mod seed_examples;
mod shared_endpoint;
mod static_binary;
mod subnets;
mod tags;
mod vpc_attributes;
mod vpcs;
