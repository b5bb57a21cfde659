//! Integration tests: one binary, a module per area, each driving a real server over HTTP.

mod support;

mod admin;
mod auth;
mod cli;
mod concurrency;
mod determinism;
mod docker_entrypoint;
mod embed;
mod init_state;
mod interface_addresses;
mod interface_attributes;
mod interface_permissions;
mod limits;
mod logging;
mod model_properties;
mod network_interfaces;
mod persistence;
mod protocol;
mod regions;
mod sdk;
mod sdk_network_interfaces;
mod security_groups;
mod seed_examples;
mod subnets;
mod tags;
mod vpcs;
