    // ---------------------------------------------------------------------
    // The environment: only what SPEC.md asks of the core.
    // ---------------------------------------------------------------------
    // The unit has no initial values (its reset is synchronous): the first
    // cycle is a reset. After it, `reset` is free: it may rise at any edge.
    reg init = 1'b1;
    always @(posedge clock) init <= 1'b0;
    wire [2:0] insn_count = {2'b0, op_syscall} + {2'b0, op_eret}
        + {2'b0, csr_re | csr_we} + {2'b0, exc_valid};
    always @* begin
        if (init) assume(reset);
        // "At most one of op_syscall, op_eret, a CSR access, exc_valid."
        assume(insn_count <= 3'd1);
        // "op_syscall, op_eret and exc_valid come without retire."
        assume(!(retire && (op_syscall || op_eret || exc_valid)));
    end

    // ---------------------------------------------------------------------
    // What SPEC.md (and docs/spec-notes.md, section 2) says the unit decides
    // at this edge, from the ports and the architectural state only.
    // ---------------------------------------------------------------------
    wire user = cpl == CPL_USER;
    wire st_if = obs_status[STATUS_IF];
    wire st_framed = obs_status[STATUS_FRAMED];
    wire st_nb = obs_status[STATUS_NMI_BLOCKED];
    wire st_prev_user = obs_status[STATUS_PREV_USER];
    wire st_crit = obs_status[STATUS_CRITICAL];
    wire csr_access = csr_re || csr_we;
    wire csr_fault = csr_access && (user || !csr_known || (csr_we && csr_read_only));

    // SPEC state the ports do not show: NMI/MCE edges and pending flags,
    // the frame transfer in flight, shutdown. Registers, CSRs, RIP/RSP
    // values and frame words are XLEN bits; EVENT_INFO is 64 bits in every
    // configuration (with PTU_XLEN32 a frame holds it as two words).
    reg s_nmi_q, s_mce_q, s_nmi_pend, s_mce_pend;
    reg x_active, x_pop, x_crit, x_nmi, x_df, x_nested, x_nb, x_shut, x_irq;
    reg [2:0] x_count;
    reg [XLEN-1:0] x_addr, x_rip, x_krsp, x_status, x_data, x_new_data;
    reg [63:0] x_info, x_new_info;
    reg [XLEN-1:0] x_w0, x_w1, x_w2, x_w3, x_w4;

    wire s_idle = !x_active && !x_shut;
    wire s_take_mce = s_idle && s_mce_pend;
    wire s_take_nmi = s_idle && !s_mce_pend && s_nmi_pend && !st_nb;
    wire s_crit = s_take_mce || s_take_nmi;
    wire s_fault = exc_valid || csr_fault || (op_eret && user);
    wire s_take_fault = s_idle && !s_crit && s_fault;
    wire s_take_irq = s_idle && !s_crit && !s_fault && irq && (user || st_if);
    wire s_take_sys = s_idle && !s_crit && !s_fault && !s_take_irq && op_syscall;
    wire s_accept = s_crit || s_take_fault || s_take_irq || s_take_sys;
    // Ordinary events from user complete at once; every other one pushes.
    wire s_immediate = s_accept && !s_crit && user;
    wire s_push = s_accept && !s_immediate;
    wire s_eret = s_idle && !s_accept && op_eret;
    wire s_leave = s_eret && !st_framed;
    wire s_pop = s_eret && st_framed;
    // The bus: one word per answer; mem_err counts only with mem_ready.
    wire s_answer = x_active && mem_ready && !mem_err;
    wire s_bus_error = x_active && mem_ready && mem_err;
    wire s_last = s_answer && x_count == LAST_WORD;
    wire s_push_done = s_last && !x_pop;
    wire s_pop_done = s_last && x_pop;
    wire s_triple = s_bus_error && !x_pop && x_df;
    wire s_double = s_bus_error && !s_triple;
    // Stack tops: CSTACK for a critical event outside a critical handler.
    wire [XLEN-1:0] s_top = (s_crit && !st_crit) ? obs_cstack : obs_krsp;
    wire [XLEN-1:0] s_df_top = st_crit ? obs_krsp : obs_cstack;
    // EVENT_INFO and EVENT_DATA of the event taken (SPEC.md's table).
    reg [2:0] s_type;
    reg [7:0] s_vector;
    reg [31:0] s_error;
    reg s_error_valid;
    reg [XLEN-1:0] s_data;
    always @* begin
        s_type = TYPE_OTHER;
        s_vector = VECTOR_SYSCALL;
        s_error = 32'd0;
        s_error_valid = 1'b0;
        s_data = XZERO;
        if (s_take_mce) begin
            s_type = TYPE_EXCEPTION;
            s_vector = VECTOR_MC;
        end else if (s_take_nmi) begin
            s_type = TYPE_NMI;
            s_vector = VECTOR_NMI;
        end else if (s_take_fault && exc_valid) begin
            s_type = TYPE_EXCEPTION;
            s_vector = exc_vector;
            s_error_valid = exc_error_valid;
            s_error = exc_error_valid ? exc_error : 32'd0;
            s_data = exc_data;
        end else if (s_take_fault) begin
            s_type = TYPE_EXCEPTION;
            s_vector = VECTOR_GP;
            s_error_valid = 1'b1;
        end else if (s_take_irq) begin
            s_type = TYPE_IRQ;
            s_vector = irq_vector;
        end
    end
    wire [63:0] s_info = {14'd0, s_error_valid, user, s_error, s_vector, 5'd0, s_type};
    wire [63:0] s_df_info = INFO_DF | (user ? INFO_FROM_USER : 64'd0);

    always @(posedge clock) begin
        s_nmi_q <= nmi;
        s_mce_q <= mce;
        if (reset) begin
            s_nmi_pend <= 1'b0;
            s_mce_pend <= 1'b0;
            x_active <= 1'b0;
            x_pop <= 1'b0;
            x_shut <= 1'b0;
            x_count <= 3'd0;
            x_crit <= 1'b0;
            x_nmi <= 1'b0;
            x_df <= 1'b0;
            x_nested <= 1'b0;
            x_nb <= 1'b0;
            x_irq <= 1'b0;
        end else begin
            s_nmi_pend <= (s_nmi_pend && !s_take_nmi) || (nmi && !s_nmi_q);
            s_mce_pend <= (s_mce_pend && !s_take_mce) || (mce && !s_mce_q);
            if (s_answer) begin
                x_count <= x_count + 3'd1;
                x_addr <= x_pop ? x_addr + WORD_BYTES : x_addr - WORD_BYTES;
                if (x_pop && x_count == 3'd0) x_w0 <= mem_rdata;
                if (x_pop && x_count == 3'd1) x_w1 <= mem_rdata;
                if (x_pop && x_count == 3'd2) x_w2 <= mem_rdata;
                if (x_pop && x_count == 3'd3) x_w3 <= mem_rdata;
                if (x_pop && x_count == 3'd4) x_w4 <= mem_rdata;
            end
            if (s_last) x_active <= 1'b0;
            if (s_triple) begin
                x_active <= 1'b0;
                x_shut <= 1'b1;
            end
            if (s_double || s_push) begin
                // The frame holds the state from before the event.
                x_active <= 1'b1;
                x_pop <= 1'b0;
                x_count <= 3'd0;
                x_krsp <= obs_krsp;
                x_status <= obs_status;
                x_info <= event_info;
                x_data <= event_data;
                x_nb <= st_nb;
            end
            if (s_double) begin
                x_crit <= 1'b1;
                x_nmi <= 1'b0;
                x_df <= 1'b1;
                x_irq <= 1'b0;
                x_nested <= st_crit;
                x_addr <= s_df_top - WORD_BYTES;
                x_rip <= obs_krip;
                x_new_info <= s_df_info;
                x_new_data <= XZERO;
            end
            if (s_push) begin
                x_crit <= s_crit;
                x_nmi <= s_take_nmi;
                x_df <= 1'b0;
                x_irq <= s_take_irq;
                x_nested <= s_crit && st_crit;
                x_addr <= s_top - WORD_BYTES;
                x_rip <= s_take_sys ? next_rip : obs_krip;
                x_new_info <= s_info;
                x_new_data <= s_data;
            end
            if (s_pop) begin
                x_active <= 1'b1;
                x_pop <= 1'b1;
                x_count <= 3'd0;
                x_addr <= obs_krsp;
                x_crit <= 1'b0;
                x_nmi <= 1'b0;
                x_df <= 1'b0;
                x_irq <= 1'b0;
                x_nested <= 1'b0;
            end
        end
    end

    // ---------------------------------------------------------------------
    // The last edge: what SPEC says happened at it (e_*), and the values
    // from before it (p_*).
    // ---------------------------------------------------------------------
    reg e_ok, e_immediate, e_push_done, e_crit_done, e_nmi_done, e_nb_done, e_pop_done, e_leave;
    reg e_take_irq, e_user_csr, e_crit_won, e_prev_user, e_irq_entry;
    reg [63:0] e_info, e_new_info;
    reg [XLEN-1:0] e_data, e_new_data, e_rdata;
    reg [1:0] p_cpl;
    reg p_shutdown;
    reg [XLEN-1:0] p_krip, p_krsp, p_kgs, p_urip, p_ursp, p_ugs, p_entry, p_entry_crit, p_cstack, p_status;
    reg [63:0] p_event_info;
    reg [XLEN-1:0] p_event_data;
`ifdef PTU_IRQ_ENTRY
    reg [XLEN-1:0] p_entry_irq;
    always @(posedge clock) p_entry_irq <= obs_entry_irq;
`endif
`ifdef PTU_FS_BANK
    reg [XLEN-1:0] p_kfs, p_ufs;
    always @(posedge clock) begin
        p_kfs <= obs_kfs;
        p_ufs <= obs_ufs;
    end
`endif
    // Bus answers since `busy` rose.
    reg [3:0] answers;
    always @(posedge clock) begin
        e_ok <= !reset;
        e_immediate <= s_immediate;
        e_push_done <= s_push_done;
        e_crit_done <= s_push_done && x_crit;
        e_nmi_done <= s_push_done && x_nmi;
        e_nb_done <= x_nb;
        e_pop_done <= s_pop_done;
        e_leave <= s_leave;
        e_take_irq <= s_take_irq;
        // An interrupt's entry, which enters at ENTRY_IRQ with irq_entry.
        e_irq_entry <= (s_immediate && s_take_irq) || (s_push_done && x_irq);
        e_user_csr <= s_idle && user && csr_access;
        e_crit_won <= s_crit;
        e_prev_user <= st_prev_user;
        e_info <= s_info;
        e_data <= s_data;
        e_new_info <= x_new_info;
        e_new_data <= x_new_data;
        e_rdata <= mem_rdata;
        p_cpl <= cpl;
        p_shutdown <= shutdown;
        p_krip <= obs_krip;
        p_krsp <= obs_krsp;
        p_kgs <= obs_kgs;
        p_urip <= obs_urip;
        p_ursp <= obs_ursp;
        p_ugs <= obs_ugs;
        p_entry <= obs_entry;
        p_entry_crit <= obs_entry_crit;
        p_cstack <= obs_cstack;
        p_status <= obs_status;
        p_event_info <= event_info;
        p_event_data <= event_data;
        if (reset || !busy) answers <= 4'd0;
        else if (mem_ready) answers <= answers + 4'd1;
    end
    wire e_entry = e_immediate || e_push_done;
    wire e_return = e_leave || e_pop_done;
    // The kernel's segment bases: GS, and FS with fs_bank.
`ifdef PTU_FS_BANK
    wire kseg_same = obs_kgs == p_kgs && obs_kfs == p_kfs;
    wire useg_same = obs_ugs == p_ugs && obs_ufs == p_ufs;
`else
    wire kseg_same = obs_kgs == p_kgs;
    wire useg_same = obs_ugs == p_ugs;
`endif
    // The entry point of the last edge's entry: ENTRY_CRIT for critical
    // events, ENTRY_IRQ for interrupts with irq_entry, else ENTRY.
`ifdef PTU_IRQ_ENTRY
    wire [XLEN-1:0] e_entry_point = e_crit_done ? p_entry_crit : e_irq_entry ? p_entry_irq : p_entry;
    wire irq_entry_same = obs_entry_irq == p_entry_irq;
`else
    wire [XLEN-1:0] e_entry_point = e_crit_done ? p_entry_crit : p_entry;
    wire irq_entry_same = 1'b1;
`endif
    wire kernel_same = obs_krip == p_krip && obs_krsp == p_krsp && kseg_same
        && obs_status == p_status && event_info == p_event_info && event_data == p_event_data;
    wire control_same = obs_entry == p_entry && obs_entry_crit == p_entry_crit
        && obs_cstack == p_cstack && irq_entry_same;
    wire user_same = obs_urip == p_urip && obs_ursp == p_ursp && useg_same;

    // ---------------------------------------------------------------------
    // The properties. `ptu prove` reads this file once per property, with
    // only that property's CHECK_<id> defined.
    // ---------------------------------------------------------------------
`ifdef CHECK_P1
    // P1, no level mix: in every cycle rip, rsp and gs_base are the copies
    // of the level shown on cpl, and cpl is 0 or 3.
    always @* if (!init) begin
        assert(cpl == CPL_KERNEL || cpl == CPL_USER);
        if (cpl == CPL_USER) assert(rip == obs_urip && rsp == obs_ursp && gs_base == obs_ugs);
        else assert(rip == obs_krip && rsp == obs_krsp && gs_base == obs_kgs);
`ifdef PTU_FS_BANK
        if (cpl == CPL_USER) assert(fs_base == obs_ufs);
        else assert(fs_base == obs_kfs);
`endif
    end
`endif

`ifdef CHECK_P2
    // P2, kernel state is out of user reach: an edge taken in user mode
    // never changes ENTRY, ENTRY_CRIT, CSTACK or the kernel GS base; if it
    // stays in user mode it changes none of the kernel RIP, RSP, GS base,
    // STATUS, EVENT_INFO, EVENT_DATA; an entry without a frame keeps the
    // kernel RSP.
    always @* if (!init && e_ok && p_cpl == CPL_USER) begin
        assert(control_same && kseg_same);
        if (cpl == CPL_USER) assert(kernel_same);
        if (e_immediate) assert(obs_krsp == p_krsp);
    end
`endif

`ifdef CHECK_P3
    // P3, entry only at the entry points: cpl goes 3 -> 0 only by an entry;
    // every entry shows redirect, cpl 0 and rip = ENTRY (ENTRY_CRIT for
    // critical events) in the next cycle; redirect pulses for nothing else
    // than an entry or a return, and never after reset.
    always @* if (!init) begin
        if (!e_ok) assert(!redirect);
        if (e_ok && p_cpl == CPL_USER && cpl == CPL_KERNEL) assert(e_entry);
        if (e_ok && e_entry)
            assert(redirect && cpl == CPL_KERNEL && rip == e_entry_point);
        if (e_ok && redirect) assert(e_entry || e_return);
    end
`endif

`ifdef CHECK_P4
    // P4, cpl goes 0 -> 3 only by ERET: unframed, or framed with prev_user;
    // an unframed ERET keeps every kernel register.
    always @* if (!init && e_ok) begin
        if (p_cpl == CPL_KERNEL && cpl == CPL_USER) assert(e_leave || (e_pop_done && e_prev_user));
        if (e_leave) assert(cpl == CPL_USER && kernel_same);
        if (e_pop_done) assert(cpl == (e_prev_user ? CPL_USER : CPL_KERNEL));
    end
`endif

`ifdef CHECK_P5
    // P5, memory only for frames: the bus is busy exactly while SPEC has a
    // frame in flight (so unframed transitions never touch memory); a push
    // writes five words at top-8, top-16, ... top-40 below the stack top it
    // chose, a pop reads five words upward from the kernel RSP; outside a
    // transfer the bus outputs are 0.
    always @* if (!init) begin
        assert(busy == x_active && mem_valid == x_active);
        if (!x_active) assert(!mem_we && mem_addr == XZERO && mem_wdata == XZERO);
        else begin
            assert(mem_we == !x_pop && mem_addr == x_addr);
            if (x_pop) assert(mem_wdata == XZERO);
        end
    end
`endif

`ifdef CHECK_P6
    // P6, critical nesting: a critical event (or #DF) inside a critical
    // handler pushes its frame right below the handler's kernel RSP, never
    // at CSTACK over the live frame; an NMI is entered only when
    // nmi_blocked was 0, and its entry sets nmi_blocked; NMIs are never
    // entered without a frame.
    always @* if (!init) begin
        if (x_active && !x_pop && x_nested) assert(mem_addr == x_addr);
        if (e_ok && e_push_done && event_info[2:0] == TYPE_NMI)
            assert(!e_nb_done && obs_status[STATUS_NMI_BLOCKED]);
        if (e_ok && e_immediate) assert(event_info[2:0] != TYPE_NMI);
    end
`endif

`ifdef CHECK_P7
    // P7, shutdown is sticky until reset and freezes the unit (no busy,
    // bus, redirect or irq_ack; no state changes); reset clears it; busy
    // always requests the bus and ends by the tenth bus answer (a frame,
    // then at most one #DF frame).
    always @* if (!init) begin
        if (!e_ok) assert(!shutdown && !busy && !mem_valid && !redirect && !irq_ack && cpl == CPL_KERNEL);
        if (e_ok && p_shutdown) assert(shutdown && kernel_same && control_same && user_same && cpl == p_cpl);
        if (shutdown) assert(!busy && !mem_valid && !redirect && !irq_ack);
        if (busy) assert(mem_valid && answers <= MAX_ANSWERS_BEFORE_LAST);
    end
`endif

`ifdef CHECK_P8
    // P8, a CSR access in user mode reads 0, changes no register, cancels
    // retire/rsp_we/gs_we, and raises #GP (type 3, vector 13, error 0
    // valid, from_user) at ENTRY, unless a machine check or NMI wins that
    // edge (then nothing changes but busy, and the access runs again later).
    always @* if (!init) begin
        if (cpl == CPL_USER) assert(csr_rdata == XZERO);
        if (e_ok && e_user_csr) begin
            assert(control_same && user_same && kseg_same && obs_krsp == p_krsp);
            if (e_crit_won) assert(busy && cpl == CPL_USER && kernel_same);
            else assert(cpl == CPL_KERNEL && redirect && rip == p_entry && event_info == INFO_GP_USER
                        && event_data == XZERO
                        && obs_status == ((p_status & STATUS_NB_MASK) | STATUS_PREV_USER_MASK));
        end
    end
`endif

`ifdef CHECK_P9
    // P9, frames are exact: a push writes the return RIP, kernel RSP,
    // STATUS, EVENT_INFO, EVENT_DATA from before the event, in that order;
    // a framed ERET restores the kernel RIP, RSP, STATUS (5 bits),
    // EVENT_INFO (defined fields) and EVENT_DATA from exactly the words it
    // popped.
    always @* if (!init) begin
`ifdef PTU_XLEN32
        // Six 32-bit words: EVENT_INFO's high word above its low word.
        if (x_active && !x_pop) begin
            if (x_count == 3'd0) assert(mem_wdata == x_rip);
            if (x_count == 3'd1) assert(mem_wdata == x_krsp);
            if (x_count == 3'd2) assert(mem_wdata == x_status);
            if (x_count == 3'd3) assert(mem_wdata == x_info[63:32]);
            if (x_count == 3'd4) assert(mem_wdata == x_info[31:0]);
            if (x_count == 3'd5) assert(mem_wdata == x_data);
        end
        if (e_ok && e_pop_done)
            assert(obs_krip == e_rdata && obs_krsp == x_w4 && obs_status == (x_w3 & STATUS_MASK)
                   && event_info == ({x_w2, x_w1} & INFO_MASK) && event_data == x_w0);
`else
        if (x_active && !x_pop) begin
            if (x_count == 3'd0) assert(mem_wdata == x_rip);
            if (x_count == 3'd1) assert(mem_wdata == x_krsp);
            if (x_count == 3'd2) assert(mem_wdata == x_status);
            if (x_count == 3'd3) assert(mem_wdata == x_info);
            if (x_count == 3'd4) assert(mem_wdata == x_data);
        end
        if (e_ok && e_pop_done)
            assert(obs_krip == e_rdata && obs_krsp == x_w3 && obs_status == (x_w2 & STATUS_MASK)
                   && event_info == (x_w1 & INFO_MASK) && event_data == x_w0);
`endif
    end
`endif

`ifdef CHECK_P10
    // P10, the event register tells the truth: after every entry
    // EVENT_INFO and EVENT_DATA are SPEC's values for the event taken (the
    // priority order decides which); irq_ack pulses exactly after the edge
    // that accepts an interrupt (user mode, or STATUS.if).
    always @* if (!init) begin
        if (e_ok && e_immediate) assert(event_info == e_info && event_data == e_data);
        if (e_ok && e_push_done) assert(event_info == e_new_info && event_data == e_new_data);
        assert(irq_ack == (e_ok && e_take_irq));
    end
`endif
