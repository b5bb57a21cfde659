//! CreateDhcpOptions, DescribeDhcpOptions, DeleteDhcpOptions, AssociateDhcpOptions.

use std::sync::Arc;

use crate::actions::common::{parse_tag_specifications, write_return, write_tag_set};
use crate::actions::describe::{Found, Query};
use crate::actions::{Action, Call, Read, Write};
use crate::error::Ec2Result;
use crate::kinds::Kind;
use crate::model::dhcp_options::{check_configurations, DhcpOptions};
use crate::model::tags::Tag;
use crate::model::World;
use crate::wire::xml::XmlWriter;

pub struct CreateDhcpOptions {
    configurations: Vec<(String, Vec<String>)>,
    tags: Vec<Tag>,
}

impl Action for CreateDhcpOptions {
    type Output = Arc<DhcpOptions>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let configurations: Vec<(String, Vec<String>)> = p
            .list("DhcpConfiguration")
            .into_iter()
            .map(|c| (c.string("Key").unwrap_or_default(), c.string_list("Value")))
            .collect();
        let tags = parse_tag_specifications(&p, Kind::DhcpOptions)?;
        call.finish()?;
        check_configurations(&configurations)?;
        Ok(CreateDhcpOptions {
            configurations,
            tags,
        })
    }

    fn render(set: &Arc<DhcpOptions>, w: &mut XmlWriter) {
        w.node("dhcpOptions", |w| write_dhcp_options(w, set));
    }
}

impl Write for CreateDhcpOptions {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let id = world.create_dhcp_options(self.configurations, &self.tags, None)?;
        world.dhcp_options().fetch(&id)
    }
}

pub struct DescribeDhcpOptions {
    query: Query,
}

impl Action for DescribeDhcpOptions {
    type Output = Found<Arc<DhcpOptions>>;

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let query = Query::parse(&call.root(), "DhcpOptionsId")?;
        call.finish()?;
        Ok(DescribeDhcpOptions { query })
    }

    fn render(found: &Self::Output, w: &mut XmlWriter) {
        found.render(w, "dhcpOptionsSet", write_dhcp_options);
    }
}

impl Read for DescribeDhcpOptions {
    fn read(self, world: &World) -> Ec2Result<Self::Output> {
        self.query.run(world.dhcp_options(), Arc::clone)
    }
}

pub struct DeleteDhcpOptions {
    id: String,
}

impl Action for DeleteDhcpOptions {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let id = call.root().required_string("DhcpOptionsId")?;
        call.finish()?;
        Ok(DeleteDhcpOptions { id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DeleteDhcpOptions {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.delete_dhcp_options(&self.id)
    }
}

pub struct AssociateDhcpOptions {
    options: String,
    vpc_id: String,
}

impl Action for AssociateDhcpOptions {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let options = p.required_string("DhcpOptionsId")?;
        let vpc_id = p.required_string("VpcId")?;
        call.finish()?;
        Ok(AssociateDhcpOptions { options, vpc_id })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for AssociateDhcpOptions {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.associate_dhcp_options(&self.options, &self.vpc_id)
    }
}

/// One `DhcpOptions`, in the order of botocore's output shape.
fn write_dhcp_options(w: &mut XmlWriter, set: &Arc<DhcpOptions>) {
    w.text("ownerId", &set.owner_id);
    write_tag_set(w, &set.tags);
    w.text("dhcpOptionsId", set.id);
    w.list(
        "dhcpConfigurationSet",
        &set.configurations,
        |w, (key, values)| {
            w.text("key", key);
            w.list("valueSet", values, |w, v| {
                w.text("value", v);
            });
        },
    );
}
