//! Integration tests: one binary, a module per area, each driving a real server over HTTP.

mod support;

mod cli;
mod concurrency;
mod interface_addresses;
mod interface_attributes;
mod interface_permissions;
mod model_properties;
mod network_interfaces;
mod protocol;
mod regions;
mod sdk;
mod sdk_network_interfaces;
mod security_groups;
mod seed_examples;
mod subnets;
mod tags;
mod vpcs;
