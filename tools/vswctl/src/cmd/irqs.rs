// SPDX-License-Identifier: GPL-2.0
//! `vswctl port show PORT irqs`: the interrupt vectors of a VF-backed vPort (`PORT_IRQS`).
//!
//! The kernel reports, for the VF's PCI function, whether MSI-X is enabled, whether its
//! vectors go through an interrupt-remapping domain, and one nested `IRQ_ENTRY` per vector
//! (Linux irq, hwirq, chip, domain chain, remapped, IRTE index, affinity, effective CPU,
//! handler installed). Without remapping, a VF passed to a guest can make its device write
//! any MSI address/data, i.e. raise any vector on the host: the text output warns about it.

use serde::Serialize;

use super::Request;
use crate::args::{self, Words};
use crate::netlink::{Attr, Client};
use crate::output::{self, Output};
use crate::uapi::{attr, cmd, irq_attr};
use crate::value::{Name, OnOff};
use crate::view::{bad_reply, AttrView};
use crate::Error;

/// Printed after the table when no vector is remapped.
pub const NOT_REMAPPED_WARNING: &str = "warning: interrupt remapping is off: the vectors are \
     not remapped; a VF given to a guest could target any interrupt vector";
/// Printed instead of the table when MSI-X is not enabled on the VF.
pub const NO_MSIX: &str = "no MSI-X vectors (MSI-X not enabled by the bound driver)";

/// Column headers of the vector table.
const HEADER: [&str; 9] = [
    "irq", "hwirq", "chip", "domains", "remapped", "irte", "affinity", "cpu", "active",
];

/// `port show PORT irqs` -> `PORT_IRQS` doit with `PORT`.
pub fn request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let name = w.positional("port show", "port name (PORT)")?;
    let name: Name = args::parse("port name", name)?;
    match w.next() {
        Some("irqs") => {}
        Some(kw) => return Err(args::unknown_keyword("port show", kw, "irqs")),
        None => return Err("port show: missing \"irqs\"".into()),
    }
    if let Some(extra) = w.next() {
        return Err(format!(
            "port show: unexpected argument \"{extra}\" after \"irqs\""
        ));
    }
    Ok(Request::doit(
        cmd::PORT_IRQS,
        vec![Attr::str(attr::PORT, &name)],
    ))
}

/// CPU list of an affinity mask, as in `/proc/irq/N/smp_affinity_list`: `0-3`, `1,3`,
/// `0-1,4`; empty mask: empty string.
pub fn cpulist(mask: u64) -> String {
    let mut parts = Vec::new();
    let mut cpu = 0u32;
    while cpu < 64 {
        if mask & (1u64 << cpu) == 0 {
            cpu += 1;
            continue;
        }
        let first = cpu;
        while cpu + 1 < 64 && mask & (1u64 << (cpu + 1)) != 0 {
            cpu += 1;
        }
        parts.push(if first == cpu {
            first.to_string()
        } else {
            format!("{first}-{cpu}")
        });
        cpu += 1;
    }
    parts.join(",")
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// A text cell: `-` for an empty or absent value.
fn cell(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or_else(|| "-".into())
}

/// One interrupt vector (a nested `IRQ_ENTRY`). Field order = JSON key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IrqEntry {
    /// Linux irq number.
    pub irq: u32,
    /// hwirq in the irq's own domain (the MSI-X table index for PCI-MSIX).
    pub hwirq: u64,
    /// The irq chip, as `/proc/interrupts` shows it.
    pub chip: String,
    /// Domain chain from the device up: `IR-PCI-MSIX-... -> INTEL-IR-0 -> VECTOR`.
    pub domains: String,
    pub remapped: bool,
    /// Interrupt remapping table entry; `null` when not remapped (or unknown).
    pub irte: Option<u32>,
    /// Affinity as a CPU list (`0-3`).
    pub affinity: String,
    /// Affinity as the raw mask (CPUs 0..63).
    pub affinity_mask: u64,
    /// Effective CPU; `null` if the kernel did not report one.
    pub cpu: Option<u32>,
    /// A handler is installed (listed in `/proc/interrupts`).
    pub active: bool,
}

impl IrqEntry {
    /// Decode the attributes nested in one `IRQ_ENTRY`. `IRQ` and `HWIRQ` are required.
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        let irq = v.req(irq_attr::IRQ, "IRQ_ENTRY/IRQ")?;
        let hwirq = v.req(irq_attr::HWIRQ, "IRQ_ENTRY/HWIRQ")?;
        let mask = v
            .get(irq_attr::AFFINITY, "IRQ_ENTRY/AFFINITY")?
            .unwrap_or(0);
        Ok(IrqEntry {
            irq,
            hwirq,
            chip: v.get(irq_attr::CHIP, "IRQ_ENTRY/CHIP")?.unwrap_or_default(),
            domains: v
                .get(irq_attr::DOMAINS, "IRQ_ENTRY/DOMAINS")?
                .unwrap_or_default(),
            remapped: v
                .get(irq_attr::REMAPPED, "IRQ_ENTRY/REMAPPED")?
                .unwrap_or(false),
            irte: v.get(irq_attr::IRTE, "IRQ_ENTRY/IRTE")?,
            affinity: cpulist(mask),
            affinity_mask: mask,
            cpu: v.get(irq_attr::EFFECTIVE_CPU, "IRQ_ENTRY/EFFECTIVE_CPU")?,
            active: v
                .get(irq_attr::ACTIVE, "IRQ_ENTRY/ACTIVE")?
                .unwrap_or(false),
        })
    }

    /// The table row (see [`HEADER`]).
    fn row(&self) -> Vec<String> {
        vec![
            self.irq.to_string(),
            self.hwirq.to_string(),
            cell(Some(self.chip.clone())),
            cell(Some(self.domains.clone())),
            yes_no(self.remapped).into(),
            cell(self.irte.map(|v| v.to_string())),
            cell(Some(self.affinity.clone())),
            cell(self.cpu.map(|v| v.to_string())),
            yes_no(self.active).into(),
        ]
    }
}

/// The `PORT_IRQS` reply. Field order = JSON key order (`driver` is `null` when no driver
/// is bound).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IrqReport {
    pub port: String,
    pub pci: String,
    pub driver: Option<String>,
    /// MSI-X enabled on the VF.
    pub msix: bool,
    /// Any vector goes through an interrupt-remapping domain.
    pub remapped: bool,
    pub irqs: Vec<IrqEntry>,
}

impl IrqReport {
    /// Decode the reply attributes: `PORT`, `PCI`, `MSIX`, `REMAPPED` required, `DRIVER`
    /// optional, one `IRQ_ENTRY` per vector (in the kernel's order).
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        let irqs = v
            .all::<Vec<Attr>>(attr::IRQ_ENTRY, "IRQ_ENTRY")?
            .iter()
            .map(|kids| IrqEntry::from_attrs(kids))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(IrqReport {
            port: v.req(attr::PORT, "PORT")?,
            pci: v.req(attr::PCI, "PCI")?,
            driver: v
                .get::<String>(attr::DRIVER, "DRIVER")?
                .filter(|s| !s.is_empty()),
            msix: v.req(attr::MSIX, "MSIX")?,
            remapped: v.req(attr::REMAPPED, "REMAPPED")?,
            irqs,
        })
    }

    /// `vf1: pci 0000:00:0a.4 driver igbvf msix on remapped yes` (no driver: no `driver`
    /// part).
    pub fn summary(&self) -> String {
        let mut p = vec![format!("{}: pci {}", self.port, self.pci)];
        if let Some(d) = &self.driver {
            p.push(format!("driver {d}"));
        }
        p.push(format!("msix {}", OnOff(self.msix)));
        p.push(format!("remapped {}", yes_no(self.remapped)));
        p.join(" ")
    }

    /// The text output: the summary line; then, without MSI-X, [`NO_MSIX`]; else the vector
    /// table and, when the vectors are not remapped, [`NOT_REMAPPED_WARNING`].
    pub fn text_lines(&self) -> Vec<String> {
        let mut lines = vec![self.summary()];
        if !self.msix {
            lines.push(NO_MSIX.into());
            return lines;
        }
        let rows: Vec<Vec<String>> = self.irqs.iter().map(IrqEntry::row).collect();
        lines.extend(output::table(&HEADER, &rows));
        if !self.remapped && !self.irqs.is_empty() {
            lines.push(NOT_REMAPPED_WARNING.into());
        }
        lines
    }
}

pub fn show(out: &Output, words: &[String]) -> Result<(), Error> {
    let req = request(words).map_err(Error::Usage)?;
    let client = Client::connect()?;
    let msgs = req.send(&client)?;
    let Some(msg) = msgs.first() else {
        return Err(bad_reply("PORT_IRQS", "no reply message"));
    };
    let report = IrqReport::from_attrs(&msg.attrs)?;
    if out.json {
        out.json(&report)?;
    } else {
        for l in report.text_lines() {
            out.line(l)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn requests() {
        assert_eq!(
            request(&w("vf1 irqs")).unwrap(),
            Request::doit(cmd::PORT_IRQS, vec![Attr::str(attr::PORT, "vf1")])
        );
        assert!(!request(&w("vf1 irqs")).unwrap().dump);
        assert_eq!(
            request(&w("vf1 irqs now")).unwrap_err(),
            "port show: unexpected argument \"now\" after \"irqs\""
        );
        assert_eq!(
            request(&w("vf1 irq")).unwrap_err(),
            "port show: unknown keyword \"irq\" (expected irqs)"
        );
        assert_eq!(
            request(&w("vf1")).unwrap_err(),
            "port show: missing \"irqs\""
        );
        assert!(request(&w("0123456789abcdef irqs"))
            .unwrap_err()
            .contains("too long"));
    }

    #[test]
    fn cpulists() {
        assert_eq!(cpulist(0), "");
        assert_eq!(cpulist(0b1), "0");
        assert_eq!(cpulist(0b1111), "0-3");
        assert_eq!(cpulist(0b1010), "1,3");
        assert_eq!(cpulist(0b1_0011), "0-1,4");
        assert_eq!(cpulist(1 << 63), "63");
        assert_eq!(cpulist(u64::MAX), "0-63");
        assert_eq!(cpulist(0xf0f0), "4-7,12-15");
    }

    const PCI: &str = "0000:00:0a.4";
    const CHIP: &str = "IR-PCI-MSIX-0000:00:0a.4";
    const DOMAINS: &str = "IR-PCI-MSIX-0000:00:0a.4 -> INTEL-IR-0 -> VECTOR";

    /// One `IRQ_ENTRY` as the kernel nests it; `irte` only when remapped.
    fn entry(irq: u32, hwirq: u64, remapped: bool, mask: u64, cpu: u32) -> Attr {
        let mut kids = vec![
            Attr::u32(irq_attr::IRQ, irq),
            Attr::u64(irq_attr::HWIRQ, hwirq),
            Attr::str(
                irq_attr::CHIP,
                if remapped {
                    CHIP
                } else {
                    "PCI-MSIX-0000:00:0a.4"
                },
            ),
            Attr::str(
                irq_attr::DOMAINS,
                if remapped {
                    DOMAINS
                } else {
                    "PCI-MSIX-0000:00:0a.4 -> VECTOR"
                },
            ),
            Attr::u8(irq_attr::REMAPPED, u8::from(remapped)),
            Attr::u64(irq_attr::AFFINITY, mask),
            Attr::u32(irq_attr::EFFECTIVE_CPU, cpu),
        ];
        if remapped {
            kids.push(Attr::u32(irq_attr::IRTE, 12 + hwirq as u32));
        }
        kids.push(Attr::u8(irq_attr::ACTIVE, 1));
        Attr::nested(attr::IRQ_ENTRY, &kids).unwrap()
    }

    /// A `PORT_IRQS` reply of an igbvf VF with three MSI-X vectors.
    fn reply(remapped: bool) -> Vec<Attr> {
        vec![
            Attr::str(attr::PORT, "vf1"),
            Attr::str(attr::PCI, PCI),
            Attr::str(attr::DRIVER, "igbvf"),
            Attr::u8(attr::REMAPPED, u8::from(remapped)),
            Attr::u8(attr::MSIX, 1),
            entry(45, 0, remapped, 0b1111, 1),
            entry(46, 1, remapped, 0b1010, 3),
            entry(47, 2, remapped, 0b1, 0),
        ]
    }

    #[test]
    fn decode_remapped() {
        let r = IrqReport::from_attrs(&reply(true)).unwrap();
        assert_eq!(r.port, "vf1");
        assert_eq!(r.pci, PCI);
        assert_eq!(r.driver.as_deref(), Some("igbvf"));
        assert!(r.msix && r.remapped);
        assert_eq!(r.irqs.len(), 3);
        assert_eq!(
            r.irqs[0],
            IrqEntry {
                irq: 45,
                hwirq: 0,
                chip: CHIP.into(),
                domains: DOMAINS.into(),
                remapped: true,
                irte: Some(12),
                affinity: "0-3".into(),
                affinity_mask: 15,
                cpu: Some(1),
                active: true,
            }
        );
        assert_eq!(r.irqs[1].affinity, "1,3");
        assert_eq!(r.irqs[2].irte, Some(14));
    }

    #[test]
    fn text_remapped() {
        let r = IrqReport::from_attrs(&reply(true)).unwrap();
        assert_eq!(
            r.text_lines(),
            [
                "vf1: pci 0000:00:0a.4 driver igbvf msix on remapped yes",
                "irq  hwirq  chip                      domains                                           remapped  irte  affinity  cpu  active",
                "45   0      IR-PCI-MSIX-0000:00:0a.4  IR-PCI-MSIX-0000:00:0a.4 -> INTEL-IR-0 -> VECTOR  yes       12    0-3       1    yes",
                "46   1      IR-PCI-MSIX-0000:00:0a.4  IR-PCI-MSIX-0000:00:0a.4 -> INTEL-IR-0 -> VECTOR  yes       13    1,3       3    yes",
                "47   2      IR-PCI-MSIX-0000:00:0a.4  IR-PCI-MSIX-0000:00:0a.4 -> INTEL-IR-0 -> VECTOR  yes       14    0         0    yes",
            ]
        );
    }

    #[test]
    fn text_not_remapped() {
        let r = IrqReport::from_attrs(&reply(false)).unwrap();
        let l = r.text_lines();
        assert_eq!(
            l[0],
            "vf1: pci 0000:00:0a.4 driver igbvf msix on remapped no"
        );
        assert_eq!(l.len(), 1 + 1 + 3 + 1);
        assert_eq!(
            l[2],
            "45   0      PCI-MSIX-0000:00:0a.4  PCI-MSIX-0000:00:0a.4 -> VECTOR  no        -     0-3       1    yes"
        );
        assert_eq!(l[5], NOT_REMAPPED_WARNING);
        assert_eq!(
            l[5],
            "warning: interrupt remapping is off: the vectors are not remapped; a VF given to a guest could target any interrupt vector"
        );
    }

    #[test]
    fn text_no_msix() {
        // vfio-pci before the guest opened the device: no vectors, remapping not known.
        let a = [
            Attr::str(attr::PORT, "vf1"),
            Attr::str(attr::PCI, PCI),
            Attr::u8(attr::REMAPPED, 0),
            Attr::u8(attr::MSIX, 0),
        ];
        let r = IrqReport::from_attrs(&a).unwrap();
        assert_eq!(r.driver, None);
        assert_eq!(
            r.text_lines(),
            [
                "vf1: pci 0000:00:0a.4 msix off remapped no",
                "no MSI-X vectors (MSI-X not enabled by the bound driver)",
            ]
        );
        assert_eq!(
            crate::output::to_json(&r).unwrap(),
            r#"{"port":"vf1","pci":"0000:00:0a.4","driver":null,"msix":false,"remapped":false,"irqs":[]}"#
        );
    }

    #[test]
    fn json_format() {
        let mut a = reply(false);
        a.truncate(6);
        // A minimal entry: no IRTE, no effective CPU, no handler, empty mask.
        a.push(
            Attr::nested(
                attr::IRQ_ENTRY,
                &[Attr::u32(irq_attr::IRQ, 50), Attr::u64(irq_attr::HWIRQ, 5)],
            )
            .unwrap(),
        );
        let r = IrqReport::from_attrs(&a).unwrap();
        assert_eq!(
            crate::output::to_json(&r).unwrap(),
            concat!(
                r#"{"port":"vf1","pci":"0000:00:0a.4","driver":"igbvf","msix":true,"remapped":false,"irqs":["#,
                r#"{"irq":45,"hwirq":0,"chip":"PCI-MSIX-0000:00:0a.4","domains":"PCI-MSIX-0000:00:0a.4 -> VECTOR","#,
                r#""remapped":false,"irte":null,"affinity":"0-3","affinity_mask":15,"cpu":1,"active":true},"#,
                r#"{"irq":50,"hwirq":5,"chip":"","domains":"","remapped":false,"irte":null,"#,
                r#""affinity":"","affinity_mask":0,"cpu":null,"active":false}]}"#
            )
        );
        assert_eq!(
            r.text_lines()[3],
            "50   5      -                      -                                no        -     -         -    no"
        );
        let r = IrqReport::from_attrs(&reply(true)).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&crate::output::to_json(&r).unwrap()).unwrap();
        assert_eq!(v["remapped"], true);
        assert_eq!(v["irqs"][2]["irte"], 14);
        assert_eq!(v["irqs"][1]["affinity"], "1,3");
        assert_eq!(v["irqs"][1]["affinity_mask"], 10);
    }

    #[test]
    fn bad_replies() {
        let without = |k: u16| {
            let mut a = reply(true);
            a.retain(|x| x.kind() != k);
            IrqReport::from_attrs(&a)
        };
        for k in [attr::PORT, attr::PCI, attr::MSIX, attr::REMAPPED] {
            assert!(without(k).is_err(), "{k}");
        }
        assert!(without(attr::DRIVER).is_ok());
        let mut a = reply(true);
        a.push(Attr::nested(attr::IRQ_ENTRY, &[Attr::u64(irq_attr::HWIRQ, 1)]).unwrap());
        assert!(IrqReport::from_attrs(&a).is_err());
        let mut a = reply(true);
        a.push(
            Attr::nested(
                attr::IRQ_ENTRY,
                &[Attr::u32(irq_attr::IRQ, 1), Attr::u32(irq_attr::HWIRQ, 1)],
            )
            .unwrap(),
        );
        assert!(IrqReport::from_attrs(&a).is_err());
        let mut a = reply(true);
        a.retain(|x| x.kind() != attr::MSIX);
        a.push(Attr::u32(attr::MSIX, 1));
        assert!(IrqReport::from_attrs(&a).is_err());
        // A truncated nested payload.
        let mut a = reply(true);
        a.push(Attr::bytes(attr::IRQ_ENTRY, vec![8, 0, 1]));
        assert!(IrqReport::from_attrs(&a).is_err());
    }
}
