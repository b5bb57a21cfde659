//! Integration tests: one binary, a module per area, each driving a real server over HTTP.

mod support;

mod protocol;
mod regions;
mod subnets;
mod vpcs;
