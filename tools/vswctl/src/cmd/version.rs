// SPDX-License-Identifier: GPL-2.0
//! `vswctl version`: versions of the tool and of the loaded module.

use serde::Serialize;

use crate::netlink::Client;
use crate::output::Output;
use crate::uapi;
use crate::view::AttrView;
use crate::Error;

/// What `version` prints; the JSON field order is part of the interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    pub tool: String,
    pub module: String,
    pub family_version: u32,
}

impl VersionInfo {
    pub fn text_lines(&self) -> [String; 2] {
        [
            format!("vswctl {}", self.tool),
            format!(
                "vswitch module {} (genl family {} version {})",
                self.module,
                uapi::FAMILY_NAME,
                self.family_version
            ),
        ]
    }
}

/// Ask the module for its version (`GET_VERSION`).
pub fn query(client: &Client) -> Result<VersionInfo, Error> {
    let reply = client.request(uapi::cmd::GET_VERSION, &[])?;
    let v = AttrView::new(&reply);
    Ok(VersionInfo {
        tool: env!("CARGO_PKG_VERSION").to_string(),
        module: v.req(uapi::attr::VERSION, "VERSION")?,
        family_version: v.req(uapi::attr::FAMILY_VERSION, "FAMILY_VERSION")?,
    })
}

pub fn run(out: &Output) -> Result<(), Error> {
    let client = Client::connect()?;
    let info = query(&client)?;
    if out.json {
        out.json(&info)?;
    } else {
        for l in info.text_lines() {
            out.line(l)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> VersionInfo {
        VersionInfo {
            tool: "0.1.0".into(),
            module: "0.1.0".into(),
            family_version: 1,
        }
    }

    #[test]
    fn json_shape() {
        let s = crate::output::to_json(&sample()).unwrap();
        assert_eq!(s, r#"{"tool":"0.1.0","module":"0.1.0","family_version":1}"#);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 3);
        assert!(v["family_version"].is_u64());
    }

    #[test]
    fn text_lines() {
        assert_eq!(
            sample().text_lines(),
            [
                "vswctl 0.1.0".to_string(),
                "vswitch module 0.1.0 (genl family vswitch version 1)".to_string()
            ]
        );
    }

    #[test]
    fn tool_version_is_uapi_version() {
        assert_eq!(env!("CARGO_PKG_VERSION"), uapi::VERSION);
    }
}
