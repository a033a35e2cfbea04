//! A design as the flow takes it: Verilog text, its top module and clock
//! port, the frequency it runs at, and which board resource each of its
//! ports goes to. The design never names pins; the board
//! ([`crate::boards`]) does, and [`pin_file`] writes the pin file from
//! both.
//!
//! A design that depends on the board (its clock, its polarities) is made
//! for it by an [`Elaborate`]: the flow calls it as its first stage.

use crate::boards::{mhz, Board, Family, Resource};
use anyhow::{bail, Result};
use std::fmt::Write as _;

/// One port of the top module and the board resource it goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMap {
    /// The port as the pin file names it: `tx`, `led[0]`.
    pub port: String,
    /// The resource's name on the board (`uart_tx`, `led0`).
    pub resource: String,
}

/// A design, ready for the flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Design {
    /// What it is, for the Yosys script and messages (`the ptu board
    /// demo`).
    pub name: String,
    /// The top module; also the stem of the flow's files (`ptu_demo.v`,
    /// `ptu_demo.json`, `ptu_demo.bin`).
    pub top: String,
    /// The Verilog of the top and every module below it.
    pub verilog: String,
    /// The port the board's oscillator drives.
    pub clock_port: String,
    /// The frequency its logic runs at, Hz: the board clock, or the
    /// output of the board's PLL when the design instantiates it.
    /// nextpnr's `--freq`.
    pub clock_hz: u64,
    /// Every other port of the top, each on one resource. The design takes
    /// the resource's polarity from the board.
    pub ports: Vec<PortMap>,
    /// Modules Yosys keeps as their own (`keep_hierarchy`), each with why
    /// (a comment in `synth.ys`).
    pub keep: Vec<(String, String)>,
    /// Further files for the build folder: (name, text).
    pub files: Vec<(String, String)>,
    /// Figures `report.json` adds: (key, value).
    pub figures: Vec<(String, u64)>,
}

impl Design {
    /// The resource of every port, checked against `board`.
    pub fn placed<'b>(&self, board: &'b Board) -> Result<Vec<(&PortMap, &'b Resource)>> {
        let mut placed = Vec::new();
        for p in &self.ports {
            if self
                .ports
                .iter()
                .filter(|q| q.resource == p.resource)
                .count()
                > 1
            {
                bail!(
                    "{}: more than one port on the {}'s resource `{}`",
                    self.top,
                    board.name,
                    p.resource
                );
            }
            placed.push((p, board.resource(&p.resource)?));
        }
        Ok(placed)
    }
}

/// What the flow's first stage calls to make the design for a board.
pub trait Elaborate {
    /// What the generate stage makes for `board`, for its progress line
    /// (``demo top `ptu_demo` for iCEBreaker ...``).
    fn describe(&self, board: &Board) -> String;
    /// The design for `board`.
    fn elaborate(&self, board: &Board) -> Result<Design>;
}

/// A design that is the same on every board.
impl Elaborate for Design {
    fn describe(&self, board: &Board) -> String {
        format!("`{}` for {}", self.top, board.title)
    }
    fn elaborate(&self, _: &Board) -> Result<Design> {
        Ok(self.clone())
    }
}

/// The pin file of `design` on `board` (`.pcf` or `.lpf`): the clock with
/// its frequency, then each port on its resource's pin, after a comment
/// table of what each pin is on the board.
pub fn pin_file(board: &Board, design: &Design) -> Result<String> {
    let placed = design.placed(board)?;
    let mut s = format!(
        "# {title}: pins of `{top}` ({name}).\n\
         # Written by ptu from the board's description (synth/src/boards.rs).\n\
         #\n\
         #   {port:<12}{res:<10}{pin:<6}board signal\n\
         #   {clock:<12}{osc:<10}{cpin:<6}oscillator, {freq} MHz\n",
        title = board.title,
        top = design.top,
        name = design.name,
        port = "port",
        res = "resource",
        pin = "pin",
        clock = design.clock_port,
        osc = "clock",
        cpin = board.clock_pin,
        freq = mhz(board.clock_hz),
    );
    for (p, r) in &placed {
        let _ = writeln!(
            s,
            "#   {:<12}{:<10}{:<6}{}{}",
            p.port,
            r.name,
            r.pin,
            r.signal,
            if r.active_low { "; active low" } else { "" }
        );
    }
    s.push('\n');
    match board.family {
        Family::Ice40 => {
            let _ = writeln!(
                s,
                "set_io -nowarn {} {}",
                design.clock_port, board.clock_pin
            );
            let _ = writeln!(
                s,
                "set_frequency {} {}\n",
                design.clock_port,
                mhz(board.clock_hz)
            );
            for (p, r) in &placed {
                let _ = writeln!(s, "set_io -nowarn {} {}", p.port, r.pin);
            }
        }
        Family::Ecp5 => {
            let c = &design.clock_port;
            let _ = writeln!(s, "LOCATE COMP \"{c}\" SITE \"{}\";", board.clock_pin);
            let _ = writeln!(s, "IOBUF PORT \"{c}\" {};", board.clock_io);
            let _ = writeln!(s, "FREQUENCY PORT \"{c}\" {} MHZ;\n", mhz(board.clock_hz));
            for (p, r) in &placed {
                let _ = writeln!(s, "LOCATE COMP \"{}\" SITE \"{}\";", p.port, r.pin);
                let _ = writeln!(s, "IOBUF PORT \"{}\" {};", p.port, r.io);
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boards;

    fn blinky() -> Design {
        Design {
            name: "a blinking LED".into(),
            top: "blinky".into(),
            verilog: String::new(),
            clock_port: "clk".into(),
            clock_hz: 12_000_000,
            ports: vec![
                PortMap {
                    port: "led[0]".into(),
                    resource: "led0".into(),
                },
                PortMap {
                    port: "go".into(),
                    resource: "button0".into(),
                },
            ],
            keep: vec![],
            files: vec![],
            figures: vec![],
        }
    }

    #[test]
    fn pin_files_place_the_clock_and_every_port() {
        let d = blinky();
        let pcf = pin_file(&boards::find("icebreaker").unwrap(), &d).unwrap();
        assert!(
            pcf.contains("set_io -nowarn clk 35\nset_frequency clk 12\n"),
            "{pcf}"
        );
        assert!(pcf.contains("set_io -nowarn led[0] 37\n"), "{pcf}");
        assert!(pcf.contains("set_io -nowarn go 10\n"), "{pcf}");
        assert!(
            pcf.contains("#   go          button0   10    BTN_N, user button; active low\n"),
            "{pcf}"
        );
        let lpf = pin_file(&boards::find("ulx3s").unwrap(), &d).unwrap();
        assert!(lpf.contains("LOCATE COMP \"clk\" SITE \"G2\";\n"), "{lpf}");
        assert!(lpf.contains("FREQUENCY PORT \"clk\" 25 MHZ;\n"), "{lpf}");
        assert!(
            lpf.contains("IOBUF PORT \"go\" PULLMODE=DOWN IO_TYPE=LVCMOS33;\n"),
            "{lpf}"
        );
    }

    #[test]
    fn ports_need_a_resource_each() {
        let mut d = blinky();
        d.ports[1].resource = "led0".into();
        let b = boards::find("icebreaker").unwrap();
        assert_eq!(
            pin_file(&b, &d).unwrap_err().to_string(),
            "blinky: more than one port on the icebreaker's resource `led0`"
        );
        d.ports[1].resource = "button7".into();
        assert!(pin_file(&b, &d)
            .unwrap_err()
            .to_string()
            .starts_with("the icebreaker has no resource `button7`"));
    }
}
