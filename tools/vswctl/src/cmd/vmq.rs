// SPDX-License-Identifier: GPL-2.0
//! `vswctl vmq show [SW]`: the VMQ queues of the switches (`VMQ_GET` dump), and the
//! `VMQ_MOVE` event of `vswctl monitor`.

use serde::{Serialize, Serializer};

use super::Request;
use crate::args::{self, Words};
use crate::netlink::{Attr, Client};
use crate::output::{self, Output};
use crate::uapi::{attr, cmd, vmq_backend};
use crate::value::{MacAddr, Name, VmqBackend};
use crate::view::AttrView;
use crate::Error;

/// Syntax line (clap help).
pub const SHOW_USAGE: &str = "[SW]";

/// `vmq show [SW]` -> `VMQ_GET` dump, filtered by `SWITCH` when SW is given.
pub fn show_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = Vec::new();
    if let Some(name) = w.next() {
        attrs.push(Attr::str(
            attr::SWITCH,
            &args::parse::<Name>("switch name", name)?,
        ));
    }
    if let Some(extra) = w.next() {
        return Err(format!("vmq show: unexpected argument \"{extra}\""));
    }
    Ok(Request::dump(cmd::VMQ_GET, attrs))
}

/// A load in hundredths of a percent of one CPU (`attr::LOAD`). Text `12.34%`; JSON the
/// percent as a number (`12.34`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load(pub u32);

impl Load {
    pub fn percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

impl Serialize for Load {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.percent())
    }
}

/// `attr::LOAD` of a queue or move, 0 if absent.
fn load(v: &AttrView<'_>) -> Result<Load, Error> {
    Ok(Load(v.get(attr::LOAD, "LOAD")?.unwrap_or(0)))
}

/// One VMQ queue (a vPort's receive queue or software steering) of a `VMQ_GET` dump.
/// Field order = JSON key order; absent optional values are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmqQueue {
    pub switch: String,
    pub port: String,
    /// `none`, `hardware` or `software`.
    pub backend: String,
    /// Uplink receive queue; `null` for the default queue (hardware) or software steering.
    pub queue: Option<u32>,
    /// VF index of a VF-backed port (its MSI-X vectors are steered instead of a queue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vf: Option<u32>,
    pub mac: String,
    pub vlan: Option<u16>,
    pub irq: Option<u32>,
    pub cpu: Option<u32>,
    pub home: Option<u32>,
    pub pps: u64,
    pub load: Load,
    pub moves: u64,
}

fn dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

impl VmqQueue {
    /// Decode a `VMQ_GET` dump message. `SWITCH`, `PORT` and `MAC` are required; missing
    /// counters are 0, a missing backend is `none`.
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        let mac = v.req::<MacAddr>(attr::MAC, "MAC")?;
        let backend = v.get(attr::VMQ_BACKEND, "VMQ_BACKEND")?;
        Ok(VmqQueue {
            switch: v.req(attr::SWITCH, "SWITCH")?,
            port: v.req(attr::PORT, "PORT")?,
            backend: VmqBackend(backend.unwrap_or(vmq_backend::NONE)).to_string(),
            queue: v.get(attr::QUEUE, "QUEUE")?,
            vf: v.get(attr::VF, "VF")?,
            mac: mac.to_string(),
            vlan: v.get(attr::VLAN, "VLAN")?,
            irq: v.get(attr::IRQ, "IRQ")?,
            cpu: v.get(attr::CPU, "CPU")?,
            home: v.get(attr::HOME_CPU, "HOME_CPU")?,
            pps: v.get(attr::PPS, "PPS")?.unwrap_or(0),
            load: load(&v)?,
            moves: v.get(attr::MOVES, "MOVES")?.unwrap_or(0),
        })
    }

    /// The queue column: the number, else `default` (hardware: the uplink's default queue),
    /// `sw` (software steering) or `-`.
    pub fn queue_text(&self) -> String {
        if let Some(v) = self.vf {
            return format!("vf{v}");
        }
        match (self.queue, self.backend.as_str()) {
            (Some(q), _) => q.to_string(),
            (None, "hardware") => "default".into(),
            (None, "software") => "sw".into(),
            (None, _) => "-".into(),
        }
    }

    /// The table row, in [`TABLE_HEADER`] order.
    pub fn row(&self) -> Vec<String> {
        vec![
            self.switch.clone(),
            self.port.clone(),
            self.queue_text(),
            self.mac.clone(),
            dash(self.vlan),
            dash(self.irq),
            dash(self.cpu),
            dash(self.home),
            self.pps.to_string(),
            self.load.to_string(),
            self.moves.to_string(),
        ]
    }
}

/// Columns of the `vmq show` table.
pub const TABLE_HEADER: [&str; 11] = [
    "switch", "port", "queue", "mac", "vlan", "irq", "cpu", "home", "pps", "load", "moves",
];

/// Decode the messages of a `VMQ_GET` dump.
pub fn decode_all<'a>(msgs: impl IntoIterator<Item = &'a [Attr]>) -> Result<Vec<VmqQueue>, Error> {
    msgs.into_iter().map(VmqQueue::from_attrs).collect()
}

/// The text of `vmq show`: a table with a header line (nothing at all without queues).
pub fn table_lines(list: &[VmqQueue]) -> Vec<String> {
    let rows: Vec<Vec<String>> = list.iter().map(VmqQueue::row).collect();
    output::table(&TABLE_HEADER, &rows)
}

/// A kernel error of the dump: the module answers an unknown switch with a bare ENOENT
/// (no extack text), so name the switch; any kernel text is kept as it is.
fn dump_error(e: Error, switch: Option<&str>) -> Error {
    match (e, switch) {
        (Error::Netlink(crate::netlink::Error::Kernel { errno, msg: None }), Some(sw))
            if errno == libc::ENOENT || errno == libc::ENODEV =>
        {
            Error::Netlink(crate::netlink::Error::Kernel {
                errno,
                msg: Some(format!("vmq show: no such switch \"{sw}\"")),
            })
        }
        (e, _) => e,
    }
}

/// `vmq show [SW]`: a table, or with `-j` a JSON array of [`VmqQueue`].
pub fn show(out: &Output, words: &[String]) -> Result<(), Error> {
    let req = show_request(words).map_err(Error::Usage)?;
    let switch = words.first().map(String::as_str);
    let client = Client::connect()?;
    let msgs = req.send(&client).map_err(|e| dump_error(e, switch))?;
    let list = decode_all(msgs.iter().map(|m| m.attrs.as_slice()))?;
    if out.json {
        out.json(&list)?;
    } else {
        for l in table_lines(&list) {
            out.line(l)?;
        }
    }
    Ok(())
}

/// A `VMQ_MOVE` event: the balancer moved a queue from CPU `from_cpu` to `cpu`.
/// Field order = JSON key order (after `event`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmqMove {
    pub switch: String,
    pub port: String,
    /// `null` for software steering.
    pub queue: Option<u32>,
    pub irq: Option<u32>,
    pub from_cpu: Option<u32>,
    pub cpu: Option<u32>,
    pub load: Load,
}

impl VmqMove {
    /// Decode event attributes. `SWITCH` and `PORT` are required.
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        Ok(VmqMove {
            switch: v.req(attr::SWITCH, "SWITCH")?,
            port: v.req(attr::PORT, "PORT")?,
            queue: v.get(attr::QUEUE, "QUEUE")?,
            irq: v.get(attr::IRQ, "IRQ")?,
            from_cpu: v.get(attr::FROM_CPU, "FROM_CPU")?,
            cpu: v.get(attr::CPU, "CPU")?,
            load: load(&v)?,
        })
    }

    /// `port p1 queue 2 irq 53 cpu 0 -> 2 load 12.34%` (no queue/irq parts when the kernel
    /// sent none: software steering).
    pub fn text_body(&self) -> String {
        let mut p = vec![format!("port {}", self.port)];
        if let Some(q) = self.queue {
            p.push(format!("queue {q}"));
        }
        if let Some(i) = self.irq {
            p.push(format!("irq {i}"));
        }
        p.push(format!("cpu {} -> {}", dash(self.from_cpu), dash(self.cpu)));
        p.push(format!("load {}", self.load));
        p.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn show_requests() {
        assert_eq!(
            show_request(&[]).unwrap(),
            Request::dump(cmd::VMQ_GET, vec![])
        );
        assert_eq!(
            show_request(&w("sw0")).unwrap(),
            Request::dump(cmd::VMQ_GET, vec![Attr::str(attr::SWITCH, "sw0")])
        );
        assert_eq!(
            show_request(&w("sw0 sw1")).unwrap_err(),
            "vmq show: unexpected argument \"sw1\""
        );
        assert!(show_request(&w("0123456789abcdefg"))
            .unwrap_err()
            .contains("too long"));
    }

    /// A dump entry as `fill_vmq` sends it.
    pub(crate) fn entry(backend: u8, queue: Option<u32>, hw: bool) -> Vec<Attr> {
        let mut v = vec![
            Attr::str(attr::SWITCH, "sw0"),
            Attr::str(attr::PORT, "p1"),
            Attr::u8(attr::VMQ_BACKEND, backend),
        ];
        if let Some(q) = queue {
            v.push(Attr::u32(attr::QUEUE, q));
        }
        v.push(Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, 1]));
        if hw {
            v.extend([
                Attr::u16(attr::VLAN, 10),
                Attr::u32(attr::IRQ, 53),
                Attr::u32(attr::CPU, 2),
                Attr::u32(attr::HOME_CPU, 0),
            ]);
        }
        v.extend([
            Attr::u64(attr::PPS, 81234),
            Attr::u32(attr::LOAD, 1234),
            Attr::u64(attr::MOVES, 3),
        ]);
        v
    }

    #[test]
    fn table_and_json() {
        let e1 = entry(vmq_backend::HARDWARE, Some(2), true);
        let e2 = entry(vmq_backend::HARDWARE, None, false);
        let e3 = entry(vmq_backend::SOFTWARE, None, false);
        let list = decode_all([e1.as_slice(), e2.as_slice(), e3.as_slice()]).unwrap();
        assert_eq!(
            table_lines(&list),
            [
                "switch  port  queue    mac                vlan  irq  cpu  home  pps    load    moves",
                "sw0     p1    2        02:00:00:00:00:01  10    53   2    0     81234  12.34%  3",
                "sw0     p1    default  02:00:00:00:00:01  -     -    -    -     81234  12.34%  3",
                "sw0     p1    sw       02:00:00:00:00:01  -     -    -    -     81234  12.34%  3",
            ]
        );
        assert_eq!(
            crate::output::to_json(&&list[..2]).unwrap(),
            concat!(
                r#"[{"switch":"sw0","port":"p1","backend":"hardware","queue":2,"mac":"02:00:00:00:00:01","vlan":10,"irq":53,"cpu":2,"home":0,"pps":81234,"load":12.34,"moves":3},"#,
                r#"{"switch":"sw0","port":"p1","backend":"hardware","queue":null,"mac":"02:00:00:00:00:01","vlan":null,"irq":null,"cpu":null,"home":null,"pps":81234,"load":12.34,"moves":3}]"#
            )
        );
        let v: serde_json::Value =
            serde_json::from_str(&crate::output::to_json(&list[2]).unwrap()).unwrap();
        assert_eq!(v["backend"], "software");
        assert_eq!(v["queue"], serde_json::Value::Null);
        assert!(table_lines(&[]).is_empty());
        assert_eq!(list[0].load.to_string(), "12.34%");
        assert_eq!(crate::output::to_json(&Load(0)).unwrap(), "0.0");
        assert_eq!(crate::output::to_json(&Load(10000)).unwrap(), "100.0");
        assert_eq!(crate::output::to_json(&Load(7)).unwrap(), "0.07");
        assert_eq!(Load(1234).to_string(), "12.34%");
        assert_eq!(Load(5).to_string(), "0.05%");
        assert_eq!(Load(0).to_string(), "0.00%");
        assert_eq!(Load(10000).to_string(), "100.00%");
    }

    #[test]
    fn bad_entries() {
        assert!(VmqQueue::from_attrs(&[Attr::str(attr::SWITCH, "sw0")]).is_err());
        let mut e = entry(vmq_backend::HARDWARE, Some(1), true);
        e.retain(|a| a.kind() != attr::LOAD);
        e.push(Attr::u8(attr::LOAD, 1));
        assert!(VmqQueue::from_attrs(&e).is_err());
    }

    #[test]
    fn unknown_switch_error() {
        use crate::netlink::Error as NlError;
        let bare = || {
            Error::Netlink(NlError::Kernel {
                errno: libc::ENOENT,
                msg: None,
            })
        };
        assert_eq!(
            dump_error(bare(), Some("sw9")).to_string(),
            "vmq show: no such switch \"sw9\" (ENOENT)"
        );
        // Without a filter, or with the kernel's own text, the error is unchanged.
        assert!(matches!(
            dump_error(bare(), None),
            Error::Netlink(NlError::Kernel { msg: None, .. })
        ));
        let ext = Error::Netlink(NlError::Kernel {
            errno: libc::ENOENT,
            msg: Some("vswitch: no such switch".into()),
        });
        assert_eq!(
            dump_error(ext, Some("sw9")).to_string(),
            "vswitch: no such switch (ENOENT)"
        );
    }

    #[test]
    fn move_events() {
        let m = VmqMove::from_attrs(&[
            Attr::str(attr::SWITCH, "sw0"),
            Attr::str(attr::PORT, "p1"),
            Attr::u32(attr::QUEUE, 2),
            Attr::u32(attr::IRQ, 53),
            Attr::u32(attr::FROM_CPU, 0),
            Attr::u32(attr::CPU, 2),
            Attr::u32(attr::LOAD, 1234),
        ])
        .unwrap();
        assert_eq!(
            m.text_body(),
            "port p1 queue 2 irq 53 cpu 0 -> 2 load 12.34%"
        );
        let m = VmqMove::from_attrs(&[
            Attr::str(attr::SWITCH, "sw0"),
            Attr::str(attr::PORT, "p1"),
            Attr::u32(attr::FROM_CPU, 1),
            Attr::u32(attr::CPU, 3),
            Attr::u32(attr::LOAD, 5),
        ])
        .unwrap();
        assert_eq!(m.text_body(), "port p1 cpu 1 -> 3 load 0.05%");
        assert!(VmqMove::from_attrs(&[Attr::str(attr::SWITCH, "sw0")]).is_err());
    }
}
