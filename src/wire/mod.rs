//! The Query API wire format: form-encoded parameters in, XML documents out.

pub mod params;
pub mod xml;
