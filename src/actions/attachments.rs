//! AttachNetworkInterface and DetachNetworkInterface.

use crate::actions::common::{refuse_unsupported, write_return};
use crate::actions::{Action, Call, Write};
use crate::error::{Ec2Error, Ec2Result};
use crate::model::ids::AttachmentId;
use crate::model::World;
use crate::wire::xml::XmlWriter;

pub struct AttachNetworkInterface {
    eni: String,
    instance: String,
    device_index: u32,
    card: Option<u32>,
}

/// A device or card index, which EC2 takes as a non-negative integer.
fn index(value: Option<i64>, param: &str) -> Ec2Result<Option<u32>> {
    value
        .map(|n| {
            u32::try_from(n).map_err(|_| {
                Ec2Error::InvalidParameterValue(format!(
                    "Value ({n}) for parameter {param} is invalid. The value must not be negative."
                ))
            })
        })
        .transpose()
}

impl Action for AttachNetworkInterface {
    type Output = (AttachmentId, u32);

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        refuse_unsupported(
            &p,
            &["EnaSrdSpecification", "EnaQueueCount"],
            "ENA Express and ENA queues are not modelled",
        )?;
        let eni = p.required_string("NetworkInterfaceId")?;
        let instance = p.required_string("InstanceId")?;
        let device_index = index(p.int("DeviceIndex")?, "deviceIndex")?
            .ok_or_else(|| Ec2Error::MissingParameter("DeviceIndex".into()))?;
        let card = index(p.int("NetworkCardIndex")?, "networkCardIndex")?;
        call.finish()?;
        Ok(AttachNetworkInterface {
            eni,
            instance,
            device_index,
            card,
        })
    }

    fn render((id, card): &Self::Output, w: &mut XmlWriter) {
        w.text("attachmentId", id);
        w.text("networkCardIndex", card);
    }
}

impl Write for AttachNetworkInterface {
    fn write(self, world: &mut World) -> Ec2Result<Self::Output> {
        let id = world.attach_network_interface(
            &self.eni,
            &self.instance,
            self.device_index,
            self.card,
        )?;
        let (_, attachment) = world.attachment(&id.to_string())?;
        Ok((id, attachment.network_card_index))
    }
}

pub struct DetachNetworkInterface {
    attachment: String,
    force: bool,
}

impl Action for DetachNetworkInterface {
    type Output = ();

    fn parse(call: &Call<'_>) -> Ec2Result<Self> {
        let p = call.root();
        let attachment = p.required_string("AttachmentId")?;
        let force = p.bool("Force")?.unwrap_or(false);
        call.finish()?;
        Ok(DetachNetworkInterface { attachment, force })
    }

    fn render(_: &(), w: &mut XmlWriter) {
        write_return(w);
    }
}

impl Write for DetachNetworkInterface {
    fn write(self, world: &mut World) -> Ec2Result<()> {
        world.detach_network_interface(&self.attachment, self.force)
    }
}
