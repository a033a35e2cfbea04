//! The ptu board demo: the unit on an FPGA board, checked every cycle
//! against the reference model, reporting on a UART and LEDs.
//!
//! - [`board_demo`]: the top `BoardDemo` (module `ptu_demo`) and its
//!   options; its blocks, one file each: [`clock_gen`] (board clock or
//!   iCE40 PLL), [`power_on_reset`], [`debouncer`] (one per button),
//!   [`step_sequencer`] (the control, with its [`step_rom`]: the steps and
//!   their dictionaries), [`output_checker`] (the comparator),
//!   [`transition_timer`], [`message_printer`] (message ROM,
//!   [`hex_digit`], [`uart_tx`]), [`busy_led`], and with option `fs_bank`
//!   [`fs_steps`] (the FS ports' steps and comparator); [`constant`]
//!   checks their configuration values.
//! - [`demo_program`]: the replayed steps as data, their ROM words, and
//!   the texts the demo prints.
//! - [`sequence`]: the built-in steps, recorded from the reference model.
//! - [`demo_sim`]: the whole top simulated in rust-hdl, its UART decoded.
//! - [`design`]: the demo as a design for any board of `ptu_synth::boards`
//!   (what `ptu build` builds).

pub mod board_demo;
pub mod busy_led;
pub mod clock_gen;
pub mod constant;
pub mod debouncer;
pub mod demo_program;
pub mod demo_sim;
pub mod design;
pub mod fs_steps;
pub mod hex_digit;
pub mod message_printer;
pub mod output_checker;
pub mod power_on_reset;
pub mod sequence;
pub mod step_rom;
pub mod step_sequencer;
pub mod transition_timer;
pub mod uart_tx;
