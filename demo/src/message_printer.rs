//! `MessagePrinter`: prints one message of the message ROM on the UART.
//! A message is a string of tokens (`demo_program::token`): characters,
//! hex digits of the printed fields (through [`HexDigit`]), and
//! conditional parts that print only when their bit of `cond` is set; a
//! zero token ends it. One token per two cycles, each character waiting
//! for the UART.

use crate::demo_program::{token, Messages, MSG_ADDR_BITS};
use crate::hex_digit::HexDigit;
use crate::uart_tx::UartTx;
use rust_hdl::prelude::*;

/// The message ROM, its reader and the UART.
#[derive(LogicBlock)]
pub struct MessagePrinter<const XLEN: usize = 64> {
    /// Clock of every register, the ROM and the UART.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: idle, nothing sent.
    pub reset: Signal<In, Bit>,
    /// Start printing the message at `msg` (ignored while `busy`).
    pub go: Signal<In, Bit>,
    /// ROM address of the message to print.
    pub msg: Signal<In, Bits<MSG_ADDR_BITS>>,
    /// Which conditional parts print (bit `n` for `{if:...}` number `n`,
    /// `demo_program::cond`).
    pub cond: Signal<In, Bits<32>>,
    /// The `rip` field.
    pub rip: Signal<In, Bits<XLEN>>,
    /// The `rsp` field.
    pub rsp: Signal<In, Bits<XLEN>>,
    /// The `cycles` field.
    pub cycles: Signal<In, Bits<8>>,
    /// The `vector` field.
    pub vector: Signal<In, Bits<8>>,
    /// The `cpl` field.
    pub cpl: Signal<In, Bits<2>>,
    /// The `step` field.
    pub step: Signal<In, Bits<8>>,
    /// The `steps` field.
    pub steps: Signal<In, Bits<8>>,
    /// The `type` field.
    pub ty: Signal<In, Bits<3>>,
    /// A message is being printed.
    pub busy: Signal<Out, Bit>,
    /// The UART's serial line.
    pub tx: Signal<Out, Bit>,
    messages: SyncROM<Bits<8>, MSG_ADDR_BITS>,
    hex: HexDigit<XLEN>,
    uart: UartTx,
    s_idle: Constant<Bits<2>>,
    s_fetch: Constant<Bits<2>>,
    s_token: Constant<Bits<2>>,
    tok_cond: Constant<Bits<3>>,
    tok_end_cond: Constant<Bits<8>>,
    state: DFF<Bits<2>>,
    ptr: DFF<Bits<MSG_ADDR_BITS>>,
    skip: DFF<Bit>,
    tok: Signal<Local, Bits<8>>,
}

impl<const XLEN: usize> MessagePrinter<XLEN> {
    /// A printer of `msgs` on a UART with `cycles_per_bit` cycles per bit
    /// (`uart_tx::divisor`).
    pub fn new(msgs: &Messages, cycles_per_bit: u64) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            go: Default::default(),
            msg: Default::default(),
            cond: Default::default(),
            rip: Default::default(),
            rsp: Default::default(),
            cycles: Default::default(),
            vector: Default::default(),
            cpl: Default::default(),
            step: Default::default(),
            steps: Default::default(),
            ty: Default::default(),
            busy: Default::default(),
            tx: Default::default(),
            messages: SyncROM::new(
                msgs.rom
                    .iter()
                    .enumerate()
                    .map(|(i, t)| ((i as u64).into(), (*t as u64).into()))
                    .collect(),
            ),
            hex: Default::default(),
            uart: UartTx::new(cycles_per_bit),
            s_idle: Constant::new(0u64.into()),
            s_fetch: Constant::new(1u64.into()),
            s_token: Constant::new(2u64.into()),
            tok_cond: Constant::new(((token::COND >> 5) as u64).into()),
            tok_end_cond: Constant::new((token::END_COND as u64).into()),
            state: Default::default(),
            ptr: Default::default(),
            skip: Default::default(),
            tok: Default::default(),
        }
    }
}

impl<const XLEN: usize> Logic for MessagePrinter<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, state, ptr, skip);
        self.messages.clock.next = self.clock.val();
        self.uart.clock.next = self.clock.val();
        self.uart.reset.next = self.reset.val();
        self.messages.address.next = self.ptr.q.val();
        self.tok.next = self.messages.data.val();
        self.busy.next = self.state.q.val() != self.s_idle.val();
        self.hex.a.next = self.rip.val();
        self.hex.b.next = self.rsp.val();
        self.hex.cycles.next = self.cycles.val();
        self.hex.vector.next = self.vector.val();
        self.hex.cpl.next = self.cpl.val();
        self.hex.step.next = self.step.val();
        self.hex.steps.next = self.steps.val();
        self.hex.ty.next = self.ty.val();
        self.hex.sel.next = self.tok.val().get_bits::<6>(0);
        self.uart.send.next = false;
        self.uart.data.next = self.tok.val();
        if self.tok.val().get_bit(7) {
            self.uart.data.next = self.hex.ascii.val();
        }
        if self.state.q.val() == self.s_idle.val() {
            if self.go.val() {
                self.ptr.d.next = self.msg.val();
                self.skip.d.next = false;
                self.state.d.next = self.s_fetch.val();
            }
        } else if self.state.q.val() == self.s_fetch.val() {
            self.state.d.next = self.s_token.val();
        } else if !self.tok.val().any() {
            self.state.d.next = self.s_idle.val();
        } else if self.tok.val().get_bits::<3>(5) == self.tok_cond.val() {
            self.skip.d.next = !self
                .cond
                .val()
                .get_bit(self.tok.val().get_bits::<5>(0).index());
            self.ptr.d.next = self.ptr.q.val() + 1;
            self.state.d.next = self.s_fetch.val();
        } else if self.tok.val() == self.tok_end_cond.val() {
            self.skip.d.next = false;
            self.ptr.d.next = self.ptr.q.val() + 1;
            self.state.d.next = self.s_fetch.val();
        } else if self.skip.q.val() {
            self.ptr.d.next = self.ptr.q.val() + 1;
            self.state.d.next = self.s_fetch.val();
        } else if !self.uart.busy.val() {
            self.uart.send.next = true;
            self.ptr.d.next = self.ptr.q.val() + 1;
            self.state.d.next = self.s_fetch.val();
        }
        if self.reset.val() {
            self.state.d.next = self.s_idle.val();
            self.skip.d.next = false;
            self.uart.send.next = false;
        }
        self.tx.next = self.uart.tx.val();
    }
}
