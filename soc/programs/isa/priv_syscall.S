# ecall is SYSCALL (EVENT_INFO type 7, vector 0) from both levels, sret is
# ERET (to user when unframed, back to the kernel through the frame when
# framed), sret in user mode is #GP. RV64I and RV32I (where EVENT_INFO
# is read in two halves: test.inc, EXPECT_INFO).
    .include "test.inc"
    RVTEST_BEGIN

    # ecall in kernel mode: SYSCALL not from user, framed; the frame's
    # return address is the instruction after the ecall.
    TRAP_BEGIN 2
    ecall
k_ecall_ret:
    TRAP_END INFO_SYSCALL, 0
    TRAP_RIP k_ecall_ret

    # The framed entry pushed below the kernel sp and the sret popped it:
    # sp is back at the kernel stack's top.
    TEST_BEGIN 3
    li a2, KSTACK
    FAIL_IF_NE sp, a2

    # sret with STATUS.framed = 0 enters user mode at URIP; the user code
    # runs (a3 = 0x77) and its ecall is SYSCALL from user, returning after
    # the ecall.
    TRAP_BEGIN 4
    li a3, 0
    USER_RUN u_ecall
    TRAP_END (INFO_SYSCALL | FROM_USER), 0
    TRAP_RIP u_ecall_ret
    EXPECT a3, 0x77

    # sret again returns to the user code after its ecall (URIP), which
    # increments a3 and makes a second system call.
    TRAP_BEGIN 5
    sret
    TRAP_END (INFO_SYSCALL | FROM_USER), 0
    EXPECT a3, 0x78
    TRAP_RIP u_ecall_ret2

    # sret in user mode is #GP (error 0, valid), at the sret itself.
    TRAP_BEGIN 6
    USER_RUN u_sret
    TRAP_END (INFO_GP | FROM_USER), 0
    TRAP_RIP u_sret

    # STATUS after an event from user mode: prev_user = 1, framed = 0,
    # if = 0.
    TEST_BEGIN 7
    csrr a4, 0x5C3          # STATUS
    EXPECT a4, 0x8

    RVTEST_END

    .section .user.text, "ax"
u_ecall:
    li a3, 0x77
    ecall
u_ecall_ret:
    addi a3, a3, 1
    ecall
u_ecall_ret2:
    ebreak
u_sret:
    sret
    ebreak
