//! The board demo as a design for the flow (`ptu_synth::design`): its top
//! `ptu_demo` made for a board, with the board's clock (or PLL) and the
//! polarity of each LED and button taken from the board's resources, and
//! its ports on the resources every board has.

use crate::board_demo::{self, DemoOptions, LEDS, TOP};
use crate::demo_program::Corruption;
use crate::sequence;
use anyhow::{anyhow, Result};
use ptu_arch::PtuConfig;
use ptu_synth::boards::Board;
use ptu_synth::design::{Design, Elaborate, PortMap};

/// The demo top's clock port.
pub const CLOCK_PORT: &str = "clock";

/// Each port of the demo top but the clock, with the board resource it
/// goes to: the run button on the board's own button (`button0`), the NMI
/// and IRQ buttons on `button1` and `button2`, `tx` on the serial port,
/// `led[i]` on `led{i}` (pass on the green LED where there is one).
pub fn port_map() -> Vec<PortMap> {
    ports_on(
        &[
            ("button", "button0"),
            ("nmi_button", "button1"),
            ("irq_button", "button2"),
            ("tx", "uart_tx"),
        ],
        LEDS,
    )
}

/// The demo's options on `board`: the clock the board gives designs (its
/// oscillator, or its PLL, which the demo then instantiates), and the
/// polarity of every LED and button from the resource it is on.
pub fn options(board: &Board) -> Result<DemoOptions> {
    let mut o = DemoOptions::new(board.design_clock_hz());
    o.pll = board.pll;
    let map = port_map();
    o.button_active_low = active_low(board, &map, "button")?;
    o.nmi_active_low = active_low(board, &map, "nmi_button")?;
    o.irq_active_low = active_low(board, &map, "irq_button")?;
    o.led_active_low = leds_active_low(board, &map, LEDS)?;
    Ok(o)
}

/// A board top's ports but the clock, each with the board resource it
/// goes to: `ports` (port, resource), then `led[i]` on `led{i}` for each
/// of its `leds` LEDs. The demo's top and the SoC's (`ptu_soc::board`)
/// both place their ports with it.
pub fn ports_on(ports: &[(&str, &str)], leds: usize) -> Vec<PortMap> {
    ports
        .iter()
        .map(|&(port, resource)| (port.to_string(), resource.to_string()))
        .chain((0..leds).map(|i| (format!("led[{i}]"), format!("led{i}"))))
        .map(|(port, resource)| PortMap { port, resource })
        .collect()
}

/// Whether `port` of a top placed by `map` is active low on `board`: the
/// polarity of the resource it goes to.
pub fn active_low(board: &Board, map: &[PortMap], port: &str) -> Result<bool> {
    let p = map
        .iter()
        .find(|p| p.port == port)
        .ok_or_else(|| anyhow!("the top has no port {port} in its port map"))?;
    Ok(board.resource(&p.resource)?.active_low)
}

/// The active-low mask (bit `i` for `led[i]`) of a top's `leds` LEDs
/// placed by `map` on `board`.
pub fn leds_active_low(board: &Board, map: &[PortMap], leds: usize) -> Result<u8> {
    let mut mask = 0;
    for i in 0..leds {
        if active_low(board, map, &format!("led[{i}]"))? {
            mask |= 1 << i;
        }
    }
    Ok(mask)
}

/// The demo as the flow builds it: the unit's configuration and,
/// optionally, an expected value made wrong.
#[derive(Clone, Debug, Default)]
pub struct DemoBuild {
    /// The unit's configuration.
    pub cfg: PtuConfig,
    /// A deliberately wrong expected value, to see the demo fail on the
    /// board.
    pub corrupt: Option<Corruption>,
}

impl Elaborate for DemoBuild {
    fn describe(&self, board: &Board) -> String {
        format!(
            "demo top `{TOP}` for {} (steps from the reference model)",
            board.title
        )
    }

    fn elaborate(&self, board: &Board) -> Result<Design> {
        let program = sequence::builtin(&self.cfg)?;
        let mut opts = options(board)?;
        opts.corrupt = self.corrupt.clone();
        let verilog = board_demo::emit(&self.cfg, &program, &opts)?;
        Ok(Design {
            name: "the ptu board demo".into(),
            top: TOP.into(),
            verilog,
            clock_port: CLOCK_PORT.into(),
            clock_hz: opts.clock_hz,
            ports: port_map(),
            keep: vec![(
                format!("{TOP}_ptu"),
                format!(
                    "The unit (module {TOP}_ptu) is kept as its own module: otherwise the\n\
                     constants of the demo's ROMs would be propagated into it and parts of\n\
                     it removed, and the figures would not be those of the unit."
                ),
            )],
            files: vec![("demo_steps.txt".into(), sequence::listing(&program))],
            figures: vec![("demo_steps".into(), program.steps.len() as u64)],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptu_synth::boards;

    #[test]
    fn options_follow_the_boards_resources() {
        let o = options(&boards::find("icebreaker").unwrap()).unwrap();
        assert_eq!(o.clock_hz, 12_000_000);
        // LEDG_N and LEDR_N are active low; the PMOD2 LEDs are not.
        assert_eq!(o.led_active_low, 0b00011);
        // BTN_N is active low; the PMOD2 buttons BTN1 and BTN2 are not.
        assert!(o.button_active_low && !o.nmi_active_low && !o.irq_active_low);
        assert!(o.pll.is_none());
        let o = options(&boards::find("alchitry-cu").unwrap()).unwrap();
        assert_eq!(o.clock_hz, 40_000_000);
        assert!(o.pll.is_some() && o.button_active_low && o.led_active_low == 0);
        let o = options(&boards::find("ulx3s").unwrap()).unwrap();
        assert!(!o.button_active_low && o.led_active_low == 0);
    }

    #[test]
    fn a_port_outside_the_map_is_refused_by_name() {
        let b = boards::find("icebreaker").unwrap();
        let map = ports_on(&[("tx", "uart_tx")], 2);
        assert_eq!(
            map.iter().map(|p| p.port.as_str()).collect::<Vec<_>>(),
            ["tx", "led[0]", "led[1]"]
        );
        assert_eq!(leds_active_low(&b, &map, 2).unwrap(), 0b11);
        let e = active_low(&b, &map, "button").unwrap_err().to_string();
        assert_eq!(e, "the top has no port button in its port map");
    }

    /// Every board places every port of the demo top.
    #[test]
    fn every_board_places_every_demo_port() {
        let d = Design {
            name: "the ptu board demo".into(),
            top: TOP.into(),
            verilog: String::new(),
            clock_port: CLOCK_PORT.into(),
            clock_hz: 12_000_000,
            ports: port_map(),
            keep: vec![],
            files: vec![],
            figures: vec![],
        };
        for b in boards::all() {
            let pins = ptu_synth::design::pin_file(&b, &d).unwrap();
            let mut ports: Vec<String> = vec!["clock".into()];
            ports.extend(port_map().into_iter().map(|p| p.port));
            for port in &ports {
                let placed = match b.family {
                    boards::Family::Ice40 => format!("set_io -nowarn {port} "),
                    boards::Family::Ecp5 => format!("LOCATE COMP \"{port}\" SITE "),
                };
                assert!(pins.contains(&placed), "{}: {port} not placed", b.name);
            }
        }
    }
}
