//! Images (AMIs) RunInstances launches from: a catalogue of Amazon-owned images per region.
//!
//! An interim catalogue of two images; the generated one replaces it.

use std::sync::{Arc, OnceLock};

use crate::error::Ec2Result;
use crate::model::ids::{ImageId, ResourceId};
use crate::model::tags::Tags;
use crate::model::World;

#[derive(Debug, Clone)]
pub struct Image {
    pub id: ImageId,
    pub name: String,
    pub description: String,
    pub owner_id: String,
    pub owner_alias: Option<String>,
    pub architecture: String,
    pub virtualization_type: String,
    pub root_device_type: String,
    pub root_device_name: String,
    pub platform: Option<String>,
    pub platform_details: String,
    pub ena_support: bool,
    pub hypervisor: String,
    pub image_type: String,
    pub public: bool,
    pub state: String,
    pub creation_date: String,
    pub image_location: String,
    pub boot_mode: Option<String>,
    pub tags: Tags,
}

fn interim() -> &'static [Arc<Image>] {
    static IMAGES: OnceLock<Vec<Arc<Image>>> = OnceLock::new();
    IMAGES.get_or_init(|| {
        [
            ("ami-0b5eea76982371e91", "x86_64"),
            ("ami-0e449176cecc3e577", "arm64"),
        ]
        .iter()
        .filter_map(|(id, arch)| {
            Some(Arc::new(Image {
                id: ImageId::try_parse(id)?,
                name: format!("al2023-ami-2023.0.20230315.0-kernel-6.1-{arch}"),
                description: "Amazon Linux 2023 AMI".into(),
                owner_id: "137112412989".into(),
                owner_alias: Some("amazon".into()),
                architecture: (*arch).into(),
                virtualization_type: "hvm".into(),
                root_device_type: "ebs".into(),
                root_device_name: "/dev/xvda".into(),
                platform: None,
                platform_details: "Linux/UNIX".into(),
                ena_support: true,
                hypervisor: "xen".into(),
                image_type: "machine".into(),
                public: true,
                state: "available".into(),
                creation_date: "2023-03-15T00:00:00.000Z".into(),
                image_location: "amazon/al2023-ami".into(),
                boot_mode: None,
                tags: Tags::default(),
            }))
        })
        .collect()
    })
}

impl World {
    pub fn image(&self, id: &str) -> Ec2Result<&Arc<Image>> {
        let id = ImageId::parse(id)?;
        interim()
            .iter()
            .find(|i| i.id == id)
            .ok_or_else(|| id.not_found())
    }
}
