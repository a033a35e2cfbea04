# sp and tp are per level: each level sees its own (the unit's rsp and
# gs_base); user writes change only the user copies (URSP, UGS), which the
# kernel reads and writes as CSRs; the kernel's sp and tp are untouched by
# user code and by SYSCALL. RV64I and RV32I (sp and tp are registers of
# XLEN bits).
    .include "test.inc"
    RVTEST_BEGIN

    # The kernel sets its tp and the user copies.
    TEST_BEGIN 2
    li tp, 0x1111
    li t0, 0x2222
    csrw 0x5D2, t0          # UGS
    li t0, 0xf000
    csrw 0x5D1, t0          # URSP
    EXPECT tp, 0x1111
    li a2, KSTACK
    FAIL_IF_NE sp, a2

    # The user sees sp = URSP and tp = UGS, writes both (tp = 0x3333,
    # sp -= 16), pushes through sp, and makes a system call.
    TRAP_BEGIN 3
    USER_RUN u_regs
    TRAP_END (INFO_SYSCALL | FROM_USER), 0
    EXPECT a3, 0x2222       # tp as the user saw it
    EXPECT a5, 0xf000       # sp as the user saw it

    # Back in the kernel: its tp and sp are as it left them.
    TEST_BEGIN 4
    EXPECT tp, 0x1111
    li a2, KSTACK
    FAIL_IF_NE sp, a2

    # The user copies hold the user's writes.
    TEST_BEGIN 5
    csrr a4, 0x5D2          # UGS
    EXPECT a4, 0x3333
    csrr a4, 0x5D1          # URSP
    EXPECT a4, 0xeff0
    # The user's push went to its stack.
    li a1, 0xeff0
    LREG a4, 0(a1)
    EXPECT a4, 0x3333

    # A kernel write of the user copies is what the user sees next.
    TRAP_BEGIN 6
    li t0, 0x4444
    csrw 0x5D2, t0          # UGS
    USER_RUN u_tp
    TRAP_END (INFO_SYSCALL | FROM_USER), 0
    EXPECT a3, 0x4444
    EXPECT tp, 0x1111

    # Kernel writes of sp and tp through any instruction: addi, lui, a
    # load, csrr (rd = tp).
    TEST_BEGIN 7
    addi tp, tp, 1
    EXPECT tp, 0x1112
    lui tp, 0x7
    EXPECT tp, 0x7000
    la a1, kval
    LREG tp, 0(a1)
    EXPECT tp, 0x600d
    csrr tp, 0x5D2          # UGS into tp
    EXPECT tp, 0x4444
    csrr a4, 0x5D2          # ... leaves UGS as it was
    EXPECT a4, 0x4444
    li tp, 0x1111

    # The UART sends what the kernel stores, whatever the store's size
    # (checked by the test that runs this program).
    TEST_BEGIN 8
    PUTC 0x6f
    li a1, UART
2:  lbu a2, 0(a1)
    bnez a2, 2b
    li a2, 0x6b
.if XLEN == 64
    sd a2, 0(a1)
.else
    sh a2, 0(a1)
.endif
3:  lbu a2, 0(a1)
    bnez a2, 3b
    li a2, 0x0a
    sw a2, 0(a1)

    RVTEST_END

    .section .data
    .balign 8
kval: XWORD 0x600d

    .section .user.text, "ax"
u_regs:
    mv a3, tp
    mv a5, sp
    li tp, 0x3333
    addi sp, sp, -16
    SREG tp, 0(sp)
    ecall
u_tp:
    mv a3, tp
    ecall
