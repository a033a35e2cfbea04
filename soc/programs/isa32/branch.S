# RV32I branches on 32-bit registers, taken (forward and backward) and not
# taken: beq, bne, blt, bge, bltu, bgeu (bit 31 is the sign).
    .include "test32.inc"
    RVTEST_BEGIN

    TEST_BR2_TAKEN 2, beq, 0, 0
    TEST_BR2_TAKEN 3, beq, -1, -1
    TEST_BR2_NOTTAKEN 4, beq, 0, 1
    TEST_BR2_NOTTAKEN 5, beq, 0x80000000, 0
    TEST_BR2_TAKEN 6, bne, 0, 1
    TEST_BR2_TAKEN 7, bne, 0x80000000, 0
    TEST_BR2_NOTTAKEN 8, bne, 1, 1
    TEST_BR2_TAKEN 9, blt, -1, 1
    TEST_BR2_TAKEN 10, blt, 0x80000000, 0x7fffffff
    TEST_BR2_NOTTAKEN 11, blt, 1, -1
    TEST_BR2_NOTTAKEN 12, blt, 1, 1
    TEST_BR2_TAKEN 13, bge, 1, 1
    TEST_BR2_TAKEN 14, bge, 1, -1
    TEST_BR2_NOTTAKEN 15, bge, -1, 1
    TEST_BR2_TAKEN 16, bge, 0x7fffffff, 0x80000000
    TEST_BR2_TAKEN 17, bltu, 1, -1
    TEST_BR2_TAKEN 18, bltu, 0x7fffffff, 0x80000000
    TEST_BR2_NOTTAKEN 19, bltu, -1, 1
    TEST_BR2_NOTTAKEN 20, bltu, 1, 1
    TEST_BR2_TAKEN 21, bgeu, -1, 1
    TEST_BR2_TAKEN 22, bgeu, 1, 1
    TEST_BR2_NOTTAKEN 23, bgeu, 1, -1
    TEST_BR2_TAKEN 24, bgeu, 0x80000000, 0x7fffffff

    RVTEST_END
