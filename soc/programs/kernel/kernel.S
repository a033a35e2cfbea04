# A tiny kernel for the ptu SoC (docs/soc.md), with three user tasks.
# docs/kernel.md describes it; soc/src/kernel.rs runs and measures it.
#
# What the unit does for it:
#   - one entry point (ENTRY) for every ordinary event, and one (ENTRY_CRIT)
#     for NMI, machine check and #DF; EVENT_INFO says what happened;
#   - pc, sp and tp are renamed by privilege level: at an entry from user
#     mode the kernel already runs on its own stack (sp) with its own GS
#     base (tp = the current task's struct), with no instruction spent on
#     switching them and nothing of the user's pc, sp or tp in memory;
#   - the user's pc, sp and tp stay in URIP, URSP and UGS, which the kernel
#     reads and writes as CSRs only to switch tasks.
#
# Memory: kernel code and data from 0, the kernel stack 0x7000..0x7800,
# the critical stack (CSTACK) 0x7800..0x8000, user code, data and stacks
# in the user window 0x8000..0xFFFF.
#
# Its writable data (counters, task structs, the tasks' tp blocks) are
# set up at boot from read-only initial copies, so a reset that does not
# reload the RAM (the board's run button) runs it again from the same
# state: the same transcript.
#
# Assembled with BROKEN_URSP = 1 (soc/src/kernel.rs), the task switch
# forgets to load the incoming task's URSP: the tests check that this
# broken kernel fails. With NO_DATA_INIT = 1, boot does not set up the
# writable data: the tests check that a second run without a reload of
# the RAM then differs from the first.

.ifndef BROKEN_URSP
.equ BROKEN_URSP, 0
.endif
.ifndef NO_DATA_INIT
.equ NO_DATA_INIT, 0
.endif

# ---------------------------------------------------------------- widths
# One source for RV64I and RV32I: XLEN (the core's width, 64 unless the
# build says 32; soc/src/kernel.rs assembles the RV32I kernel with
# `.equ XLEN, 32`) chooses the register size and the loads and stores
# (LREG, SREG), and UNIT_XLEN the unit's frame layout: the unit is as
# wide as the core (the RV32I SoC has the 32-bit unit, docs/spec.md 14.1).
.ifndef XLEN
.equ XLEN, 64
.endif
.ifndef UNIT_XLEN
.equ UNIT_XLEN, XLEN
.endif
.equ WORD, XLEN / 8             # bytes per register
.if XLEN == 64
.equ LOG_WORD, 3
.macro LREG rd, addr
    ld \rd, \addr
.endm
.macro SREG rs, addr
    sd \rs, \addr
.endm
.else
.equ LOG_WORD, 2
.macro LREG rd, addr
    lw \rd, \addr
.endm
.macro SREG rs, addr
    sw \rs, \addr
.endm
.endif
# Words of XLEN bits (addresses, counters).
.macro WORDS v:vararg
.if XLEN == 64
    .dword \v
.else
    .word \v
.endif
.endm
# An address in an 8-byte slot on both widths (the kernel header, which
# soc/src/kernel.rs reads as 8-byte little-endian words).
.macro SLOT v
.if XLEN == 64
    .dword \v
.else
    .word \v, 0
.endif
.endm

# The unit's frame (docs/spec.md sections 10 and 14.1): offsets from its
# lowest word. This is the one place the kernel names them; a test in
# soc/src/kernel.rs checks them against ptu_arch::FrameLayout. EVENT_INFO
# is read as two 32-bit halves (FRAME_INFO_LO, FRAME_INFO_HI) on RV32I.
.if UNIT_XLEN == 64
.equ FRAME_BYTES, 40
.equ FRAME_INFO_LO, 8
.equ FRAME_INFO_HI, 12
.equ FRAME_RIP, 32
.else
.equ FRAME_BYTES, 24
.equ FRAME_INFO_LO, 4
.equ FRAME_INFO_HI, 8
.equ FRAME_RIP, 20
.endif

.equ UART, 0x10000000
.equ MTIME, 0x10000008
.equ TOHOST, 0x10000018
.equ USER_BASE, 0x8000
.equ USER_END, 0x10000
.equ KSTACK_TOP, 0x7800
.equ CRIT_STACK_TOP, 0x8000
# Cycles of one time slice (at most 2047: it is an addi immediate).
.equ QUANTUM, 1000

# The unit's CSRs (llvm-mc takes only numbers as CSR operands):
#   ENTRY 0x5C0, ENTRY_CRIT 0x5C1, CSTACK 0x5C2, STATUS 0x5C3,
#   EVENT_INFO 0x5C4, EVENT_DATA 0x5C5, URIP 0x5D0, URSP 0x5D1, UGS 0x5D2

# System calls: the number in a7, arguments in a0, a1, the result in a0;
# every other register is preserved.
.equ SYS_WRITE, 0       # write(buf, len): len bytes of the user's buf to the UART
.equ SYS_YIELD, 1       # yield(): run the next task
.equ SYS_EXIT, 2        # exit(code): end this task
.equ SYS_SELF, 3        # self(): the first word of the caller's tp block
.equ SYS_COUNT, 4

# A task (kernel memory; the kernel's tp points at the current one).
.equ T_REGS, 0          # x1, x3, x5..x31 at WORD * n (x0, sp and tp are not saved)
.equ T_A0, 10 * WORD    # x10, where a system call's result goes
.equ T_URIP, 32 * WORD  # the user pc, sp and tp while the task is not running
.equ T_URSP, 33 * WORD
.equ T_UGS, 34 * WORD
.equ T_STATE, 35 * WORD # 1 runnable, 0 ended
.equ T_NAME, 36 * WORD  # its name, zero-terminated
.equ T_NEXT, 37 * WORD  # the next task in the ring

# The critical handler's save area below the frame (eight registers, kept
# a multiple of 16 bytes on RV64I), and the frame's words above it.
.equ C_SAVE, 10 * WORD
.equ F_INFO_LO, C_SAVE + FRAME_INFO_LO
.equ F_INFO_HI, C_SAVE + FRAME_INFO_HI
.equ F_RIP, C_SAVE + FRAME_RIP

    .section .text.init, "ax"
    .globl _start
_start:
    j boot
    .balign 8
# The kernel header (soc/src/kernel.rs reads it from the image to find
# the paths it measures).
kernel_header:
    .dword 0x6c656e72656b7470   # "ptkernel"
    SLOT kentry                 # ENTRY
    SLOT kcrit                  # ENTRY_CRIT
    SLOT sys_call               # the jump into a system call's handler
    SLOT ret_to_user            # the exit path to user mode
    SLOT switch_to_next         # the task switch
    SLOT sys_self               # the system call self()
    SLOT task_a                 # task A's struct (task C writes to it)

# ---------------------------------------------------------------- boot
boot:
    li sp, KSTACK_TOP
.if NO_DATA_INIT == 0
    la a0, kdata                # the kernel's writable data ...
    la a1, init_kdata
    la a2, init_kdata_end
    call kcopy
    la a0, udata                # ... and the tasks' tp blocks, as assembled
    la a1, init_udata
    la a2, init_udata_end
    call kcopy
.endif
    la t0, kentry
    csrw 0x5C0, t0              # ENTRY
    la t0, kcrit
    csrw 0x5C1, t0              # ENTRY_CRIT
    li t0, CRIT_STACK_TOP
    csrw 0x5C2, t0              # CSTACK
    csrw 0x5C3, zero            # STATUS: if = 0, the kernel is not interrupted
    la tp, task_a               # the kernel's GS base: the current task
    la a0, msg_boot
    call kputs
    li t0, MTIME                # the first time slice (mtimecmp = MTIME + 8)
    LREG t1, 0(t0)
    addi t1, t1, QUANTUM
    SREG t1, 8(t0)
    LREG t0, T_URIP(tp)           # task A's user pc, sp and tp
    csrw 0x5D0, t0              # URIP
    LREG t0, T_URSP(tp)
    csrw 0x5D1, t0              # URSP
    LREG t0, T_UGS(tp)
    csrw 0x5D2, t0              # UGS
    j ret_to_user

# ---------------------------------------------------------------- entry
# Every ordinary event. From user mode the unit entered unframed: sp is
# the kernel stack (empty), tp the current task, the user's pc, sp and tp
# wait in URIP, URSP and UGS. Save the other registers into the task.
# An ordinary event from kernel mode is a kernel bug: the registers saved
# are then garbage, and the kernel panics.
kentry:
    .irp r, 1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    SREG x\r, (WORD * \r)(tp)
    .endr
    csrr s0, 0x5C4              # EVENT_INFO
.if XLEN == 64
    srli t0, s0, 48             # from_user
    andi t0, t0, 1
.else
    csrr t0, 0x5C3              # STATUS: prev_user (EVENT_INFO's from_user
    andi t0, t0, 8              # is in its bits 63:32, out of a 32-bit read)
.endif
    beqz t0, kernel_panic
    andi t0, s0, 7              # the event type
    li t1, 7
    beq t0, t1, syscall
    beqz t0, interrupt
    li t1, 3
    beq t0, t1, exception
    j kernel_panic

syscall:
    la t0, n_syscalls
    LREG t1, 0(t0)
    addi t1, t1, 1
    SREG t1, 0(t0)
    li t0, SYS_COUNT
    bgeu a7, t0, sys_bad
    slli t0, a7, LOG_WORD
    la t1, sys_table
    add t1, t1, t0
    LREG t1, 0(t1)
sys_call:
    jalr ra, 0(t1)
    SREG a0, T_A0(tp)             # the result, in the user's a0
# Back to user mode: restore what kentry saved and return (unframed: the
# user's pc, sp and tp come back from URIP, URSP and UGS in the same edge).
ret_to_user:
    .irp r, 1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    LREG x\r, (WORD * \r)(tp)
    .endr
    sret

sys_bad:
    li a0, -1
    SREG a0, T_A0(tp)
    j ret_to_user

# The timer (type 0, vector 32): the next task.
interrupt:
    srli t0, s0, 8
    andi t0, t0, 0xff
    li t1, 32
    bne t0, t1, kernel_panic
    la t0, n_timer
    LREG t1, 0(t0)
    addi t1, t1, 1
    SREG t1, 0(t0)
    j switch_to_next

# A fault from user mode: say what the unit latched, end the task.
exception:
    la a0, msg_task
    call kputs
    LREG a0, T_NAME(tp)
    call kputs
    la a0, msg_fault
    call kputs
    srli a0, s0, 8              # the vector
    andi a0, a0, 0xff
    call kputdec
    la a0, msg_error
    call kputs
.if XLEN == 64
    slli a0, s0, 16             # the error code, bits 47:16
    srli a0, a0, 32
.else
    srli a0, s0, 16             # the error code's bits 15:0 (bits 31:16)
.endif
    li a1, 0
    call kputhex
    la a0, msg_data
    call kputs
    csrr a0, 0x5C5              # EVENT_DATA
    li a1, 16
    call kputhex
    la a0, msg_at
    call kputs
    csrr a0, 0x5D0              # URIP: the faulting instruction
    li a1, 16
    call kputhex
    la a0, msg_ended
    call kputs
    la t0, n_faults
    LREG t1, 0(t0)
    addi t1, t1, 1
    SREG t1, 0(t0)
    SREG zero, T_STATE(tp)
    j switch_to_next

# ---------------------------------------------------------------- switch
# Keep the current task's user pc, sp and tp (three CSR reads) and load
# the next runnable task's (three CSR writes), with a new time slice. The other registers are
# already in the task struct (kentry); the kernel stack is empty between
# events, so there is no kernel stack to switch.
switch_to_next:
    li sp, KSTACK_TOP
    csrr t0, 0x5D0              # URIP
    SREG t0, T_URIP(tp)
    csrr t0, 0x5D1              # URSP
    SREG t0, T_URSP(tp)
    csrr t0, 0x5D2              # UGS
    SREG t0, T_UGS(tp)
    mv t1, tp
1:
    LREG t1, T_NEXT(t1)
    LREG t2, T_STATE(t1)
    bnez t2, 2f
    bne t1, tp, 1b
    j all_done                  # round the ring: every task has ended
2:
    mv tp, t1                   # the kernel's GS base: the new current task
    LREG t0, T_URIP(tp)
    csrw 0x5D0, t0              # URIP
.if BROKEN_URSP == 0
    LREG t0, T_URSP(tp)
    csrw 0x5D1, t0              # URSP
.endif
    LREG t0, T_UGS(tp)
    csrw 0x5D2, t0              # UGS
    li t0, MTIME                # its time slice starts now, however long
    LREG t1, 0(t0)                # the kernel took (mtimecmp = MTIME + 8)
    addi t1, t1, QUANTUM
    SREG t1, 8(t0)
    j ret_to_user

# ---------------------------------------------------------------- system calls
sys_table:
    WORDS sys_write, sys_yield, sys_exit, sys_self

# write(a0 = buf, a1 = len): the buffer must lie in the user window.
sys_write:
    li t0, USER_BASE
    bltu a0, t0, 9f
    add t1, a0, a1
    bltu t1, a0, 9f
    li t0, USER_END
    bgtu t1, t0, 9f
    mv s1, ra
    mv s2, a0
    mv s3, t1
1:
    beq s2, s3, 2f
    lbu a0, 0(s2)
    call kputc
    addi s2, s2, 1
    j 1b
2:
    mv ra, s1
    mv a0, a1
    ret
9:
    li a0, -1
    ret

sys_yield:
    SREG zero, T_A0(tp)
    j switch_to_next

# exit(a0 = code)
sys_exit:
    mv s1, a0
    la a0, msg_task
    call kputs
    LREG a0, T_NAME(tp)
    call kputs
    la a0, msg_exited
    call kputs
    mv a0, s1
    call kputdec
    li a0, '\n'
    call kputc
    la t0, n_exited
    LREG t1, 0(t0)
    addi t1, t1, 1
    SREG t1, 0(t0)
    beqz s1, 1f
    la t0, n_bad_exits
    LREG t1, 0(t0)
    addi t1, t1, 1
    SREG t1, 0(t0)
1:
    SREG zero, T_STATE(tp)
    j switch_to_next

# self(): the first word of the caller's tp block. The kernel's own tp is
# the current task; the user's tp is in UGS, read with one instruction.
sys_self:
    csrr t0, 0x5D2              # UGS
    li t1, USER_BASE
    bltu t0, t1, 9f
    li t1, USER_END - 8
    bgtu t0, t1, 9f
    LREG a0, 0(t0)
    ret
9:
    li a0, -1
    ret

# ---------------------------------------------------------------- the end
all_done:
    li t0, MTIME
    SREG zero, 8(t0)              # mtimecmp = 0: the timer stops
    la a0, msg_summary
    call kputs
    la t0, n_exited
    LREG a0, 0(t0)
    call kputdec
    la a0, msg_sum_faults
    call kputs
    la t0, n_faults
    LREG a0, 0(t0)
    call kputdec
    la a0, msg_sum_syscalls
    call kputs
    la t0, n_syscalls
    LREG a0, 0(t0)
    call kputdec
    la a0, msg_sum_timer
    call kputs
    la t0, n_timer
    LREG a0, 0(t0)
    call kputdec
    la a0, msg_sum_nmis
    call kputs
    la t0, n_nmis
    LREG a0, 0(t0)
    call kputdec
    li a0, '\n'
    call kputc
    li t0, TOHOST
    li t1, 1                    # pass ...
    la t2, n_bad_exits
    LREG t2, 0(t2)
    beqz t2, 1f
    li t1, 3                    # ... unless a task exited with an error (test 1)
1:
    SREG t1, 0(t0)
2:
    j 2b

# An event the kernel cannot handle: say what it was and stop (test 2).
kernel_panic:
    la a0, msg_panic
    call kputs
    csrr a0, 0x5C4              # EVENT_INFO
    li a1, 16
    call kputhex
    la a0, msg_data
    call kputs
    csrr a0, 0x5C5              # EVENT_DATA
    li a1, 16
    call kputhex
    li a0, '\n'
    call kputc
    li t0, TOHOST
    li t1, 5
    SREG t1, 0(t0)
1:
    j 1b

# ---------------------------------------------------------------- critical entry
# NMI, machine check and #DF, always framed: outside a critical handler
# the unit switched to CSTACK and pushed the interrupted state (frame at
# sp). This handler may interrupt the kernel anywhere, so it saves every
# register it uses below the frame and returns with a framed sret.
kcrit:
    addi sp, sp, -C_SAVE
    SREG ra, 0*WORD(sp)
    SREG t0, 1*WORD(sp)
    SREG t1, 2*WORD(sp)
    SREG t2, 3*WORD(sp)
    SREG t3, 4*WORD(sp)
    SREG a0, 5*WORD(sp)
    SREG a1, 6*WORD(sp)
    SREG a2, 7*WORD(sp)
    csrr t0, 0x5C4              # EVENT_INFO
    srli t0, t0, 8
    andi t0, t0, 0xff
    li t1, 2
    beq t0, t1, nmi
    li t1, 18
    bne t0, t1, kernel_panic    # #DF: the kernel's own bug
    la a0, msg_mce
    call kputs
    j crit_return
nmi:
    la t0, n_nmis
    LREG t1, 0(t0)
    addi t1, t1, 1
    SREG t1, 0(t0)
.if XLEN == 64
    csrr t0, 0x5C4
    srli t0, t0, 48             # from_user
    andi t0, t0, 1
.else
    csrr t0, 0x5C3              # STATUS: prev_user, the interrupted level
    andi t0, t0, 8
.endif
    beqz t0, 1f
    la a0, msg_nmi_user         # from user mode: the current task was running
    call kputs
    LREG a0, T_NAME(tp)
    call kputs
    j 2f
1:
    la a0, msg_nmi_kernel       # nested: inside a handler of the kernel
    call kputs
.if XLEN == 64
    LREG a0, F_INFO_LO(sp)      # the frame's EVENT_INFO: the interrupted handler's event
    li a1, 16
    call kputhex
.else
    lw a0, F_INFO_HI(sp)        # the same, 64 bits in two halves
    li a1, 8
    call kputhex
    lw a0, F_INFO_LO(sp)
    li a1, 8
    call kputhex
.endif
    la a0, msg_nmi_rip
    call kputs
    LREG a0, F_RIP(sp)            # the frame's RIP: where that handler resumes
    li a1, 16
    call kputhex
2:
    la a0, msg_nmi_frame
    call kputs
    addi a0, sp, C_SAVE         # the frame's lowest word
    li a1, 16
    call kputhex
    la a0, msg_nmi_end
    call kputs
crit_return:
    LREG ra, 0*WORD(sp)
    LREG t0, 1*WORD(sp)
    LREG t1, 2*WORD(sp)
    LREG t2, 3*WORD(sp)
    LREG t3, 4*WORD(sp)
    LREG a0, 5*WORD(sp)
    LREG a1, 6*WORD(sp)
    LREG a2, 7*WORD(sp)
    addi sp, sp, C_SAVE
    sret                        # framed: pops the frame, back where it was

# kcopy(a0, a1, a2): the words from a1 up to a2 to a0 (all WORD-aligned).
# Uses a0, a1, t0.
kcopy:
    beq a1, a2, 2f
1:
    LREG t0, 0(a1)
    SREG t0, 0(a0)
    addi a0, a0, WORD
    addi a1, a1, WORD
    bne a1, a2, 1b
2:
    ret

# ---------------------------------------------------------------- output
# kputc(a0): one byte to the UART once it is idle. Uses t0, t1.
kputc:
    li t0, UART
1:
    lbu t1, 0(t0)
    bnez t1, 1b
    sb a0, 0(t0)
    ret

# kputs(a0): a zero-terminated string. Uses a0, t0, t1, t2.
kputs:
    li t0, UART
1:
    lbu t2, 0(a0)
    beqz t2, 3f
2:
    lbu t1, 0(t0)
    bnez t1, 2b
    sb t2, 0(t0)
    addi a0, a0, 1
    j 1b
3:
    ret

# kputhex(a0, a1): a0 in hex, a1 digits (0: as many as it needs; on
# RV32I the digits above the register's eight are 0). Uses a1, t0..t3.
kputhex:
    bnez a1, 2f
    li a1, 1
1:
    li t1, XLEN / 4
    beq a1, t1, 2f
    slli t0, a1, 2
    srl t1, a0, t0
    beqz t1, 2f
    addi a1, a1, 1
    j 1b
2:
    li t3, UART
3:
    addi a1, a1, -1
.if XLEN == 32
    li t1, 0                    # a digit above bit 31: 0
    li t2, 8
    bgeu a1, t2, 4f
.endif
    slli t0, a1, 2
    srl t1, a0, t0
    andi t1, t1, 15
    li t2, 10
    blt t1, t2, 4f
    addi t1, t1, 'a' - '0' - 10
4:
    addi t1, t1, '0'
5:
    lbu t2, 0(t3)
    bnez t2, 5b
    sb t1, 0(t3)
    bnez a1, 3b
    ret

# kputdec(a0): a0 in decimal (below 10^10), without a multiplier: by
# subtracting powers of ten. Uses a0, a1, t0..t3.
kputdec:
    la t3, pow10
    li a1, 0                    # a digit was printed
1:
    LREG t0, 0(t3)
    beqz t0, 7f
    li t1, 0
2:
    bltu a0, t0, 3f
    sub a0, a0, t0
    addi t1, t1, 1
    j 2b
3:
    addi t3, t3, WORD
    bnez t1, 5f
    bnez a1, 5f
    li t2, 1
    bne t0, t2, 1b              # a leading zero
5:
    li a1, 1
    addi t1, t1, '0'
    li t2, UART
6:
    lbu t0, 0(t2)
    bnez t0, 6b
    sb t1, 0(t2)
    j 1b
7:
    ret

# ---------------------------------------------------------------- kernel data
# Read-only: the powers of ten, the names and messages.
    .section .rodata
    .balign 8
pow10:
    WORDS 1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1, 0

# The writable data, assembled twice from one macro: the initial copy
# (read-only, labels prefixed init_) and the live one that boot fills
# from it (labels without prefix). The tasks: registers, the user pc, sp
# and tp to start with, state, name, next. A and B run the same code;
# only their tp blocks differ.
.macro TASK label, entry, stack, tls, name, next
    .balign 8
\label:
    .space 32 * WORD
    WORDS \entry, \stack, \tls, 1, \name, \next
.endm
.macro KDATA p
    .balign 8
\p\()kdata:
\p\()n_syscalls: WORDS 0
\p\()n_timer:    WORDS 0
\p\()n_faults:   WORDS 0
\p\()n_exited:   WORDS 0
\p\()n_bad_exits: WORDS 0
\p\()n_nmis:     WORDS 0
    TASK \p\()task_a, task_main, 0xD000, tls_a, name_a, task_b
    TASK \p\()task_b, task_main, 0xE000, tls_b, name_b, task_c
    TASK \p\()task_c, task_c_main, 0xF000, tls_c, name_c, task_a
    .balign 8
\p\()kdata_end:
.endm
    KDATA init_
    .section .data
    KDATA
    .section .rodata

name_a: .asciz "A"
name_b: .asciz "B"
name_c: .asciz "C"
msg_boot:
    .asciz "kernel: boot: ENTRY, ENTRY_CRIT, CSTACK, STATUS and the kernel stack set; to user mode in task A\n"
msg_task:   .asciz "kernel: task "
msg_fault:  .asciz ": fault, vector "
msg_error:  .asciz ", error code 0x"
msg_data:   .asciz ", EVENT_DATA 0x"
msg_at:     .asciz ", at 0x"
msg_ended:  .asciz ": task ended\n"
msg_exited: .asciz " exited with code "
msg_summary:      .asciz "kernel: summary: tasks exited "
msg_sum_faults:   .asciz ", ended by a fault "
msg_sum_syscalls: .asciz ", system calls "
msg_sum_timer:    .asciz ", timer interrupts "
msg_sum_nmis:     .asciz ", NMIs "
msg_panic:  .asciz "kernel: panic: EVENT_INFO 0x"
msg_mce:    .asciz "critical: machine check, returning\n"
msg_nmi_user:   .asciz "critical: NMI from user mode in task "
msg_nmi_kernel: .asciz "critical: NMI nested in the kernel, inside the event 0x"
msg_nmi_rip:    .asciz " at 0x"
msg_nmi_frame:  .asciz ", frame at 0x"
msg_nmi_end:    .asciz ", returning\n"

# ---------------------------------------------------------------- user mode
    .section .user.text, "ax"

# The tp block of a task (its GS base): +0 its id, +8 its lines, built in
# place (one write per line, so preemption never splits one).
.equ TLS_STEP, 8                # "A: step 0, self() = 0\n", 22 bytes
.equ TLS_STEP_N, TLS_STEP + 8
.equ TLS_STEP_SELF, TLS_STEP + 20
.equ TLS_YIELD, 30              # "A: back from yield\n", 19 bytes
.equ TLS_DONE, 49               # "A: done\n", 8 bytes
.equ TLS_STACK, 57              # "A: my stack is not mine\n", 24 bytes
.equ TLS_TP, 81                 # "A: self() is not my id\n", 23 bytes
.equ STEPS, 6
.equ YIELD_AT, 3
.equ WORK, 300

# Tasks A and B: STEPS lines each, with a loop between them that the
# timer preempts; the step counter and a canary (the task's id) live on
# the task's own stack, so a switch that loses URSP shows.
task_main:
    addi sp, sp, -16
    LREG t0, 0(tp)
    SREG t0, 8(sp)                # the canary
    SREG zero, 0(sp)              # the step counter
1:
    li a7, SYS_SELF
    ecall                       # a0 = my id, read by the kernel through UGS
    LREG t0, 8(sp)
    LREG t1, 0(tp)
    bne t0, t1, not_my_stack
    bne a0, t1, not_my_tp
    LREG t0, 0(sp)
    addi t0, t0, '0'
    sb t0, TLS_STEP_N(tp)
    addi t0, a0, '0'
    sb t0, TLS_STEP_SELF(tp)
    addi a0, tp, TLS_STEP
    li a1, 22
    li a7, SYS_WRITE
    ecall
    li t0, WORK
2:
    addi t0, t0, -1
    bnez t0, 2b
    LREG t0, 0(sp)
    addi t0, t0, 1
    SREG t0, 0(sp)
    li t1, YIELD_AT
    bne t0, t1, 3f
    li a7, SYS_YIELD
    ecall
    addi a0, tp, TLS_YIELD
    li a1, 19
    li a7, SYS_WRITE
    ecall
    LREG t0, 0(sp)
3:
    li t1, STEPS
    bltu t0, t1, 1b
    addi a0, tp, TLS_DONE
    li a1, 8
    li a7, SYS_WRITE
    ecall
    li a0, 0
    li a7, SYS_EXIT
    ecall
not_my_stack:
    addi a0, tp, TLS_STACK
    li a1, 24
    li a7, SYS_WRITE
    ecall
    li a0, 1
    li a7, SYS_EXIT
    ecall
not_my_tp:
    addi a0, tp, TLS_TP
    li a1, 23
    li a7, SYS_WRITE
    ecall
    li a0, 2
    li a7, SYS_EXIT
    ecall

# Task C: works a while, then writes to kernel memory (a #PF the kernel
# reports before ending the task).
.equ WORK_C, 2000
task_c_main:
    li t0, WORK_C
1:
    addi t0, t0, -1
    bnez t0, 1b
    la a0, c_line
    li a1, 28
    li a7, SYS_WRITE
    ecall
    la t0, task_a
    SREG zero, 0(t0)              # kernel memory: #PF, P | W | U
    la a0, c_alive
    li a1, 27
    li a7, SYS_WRITE
    ecall
    li a0, 3
    li a7, SYS_EXIT
    ecall

# The tasks' writable data (their tp blocks), assembled twice as the
# kernel's: the initial copy in the kernel's read-only data, the live one
# in the user window.
.macro TLS label, id, name
    .balign 8
\label:
    .dword \id                  # 8 bytes on both widths (LREG reads its low word)
    .ascii "\name: step 0, self() = 0\n"
    .ascii "\name: back from yield\n"
    .ascii "\name: done\n"
    .ascii "\name: my stack is not mine\n"
    .ascii "\name: self() is not my id\n"
.endm
.macro UDATA p
    .balign 8
\p\()udata:
    TLS \p\()tls_a, 1, A
    TLS \p\()tls_b, 2, B
    .balign 8
\p\()tls_c:
    .dword 3                    # its id, as in TLS
\p\()c_line:
    .ascii "C: writing to kernel memory\n"
\p\()c_alive:
    .ascii "C: still running after #PF\n"
    .balign 8
\p\()udata_end:
.endm
    .section .rodata
    UDATA init_
    .section .user.data, "aw"
    UDATA
