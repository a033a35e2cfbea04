# RV64I branches, taken (forward and backward) and not taken: beq, bne,
# blt, bge, bltu, bgeu.
    .include "test.inc"
    RVTEST_BEGIN

    TEST_BR2_TAKEN 2, beq, 0, 0
    TEST_BR2_TAKEN 3, beq, -1, -1
    TEST_BR2_NOTTAKEN 4, beq, 0, 1
    TEST_BR2_NOTTAKEN 5, beq, 0x100000000, 0
    TEST_BR2_TAKEN 6, bne, 0, 1
    TEST_BR2_TAKEN 7, bne, 0x100000000, 0
    TEST_BR2_NOTTAKEN 8, bne, 1, 1
    TEST_BR2_TAKEN 9, blt, -1, 1
    TEST_BR2_TAKEN 10, blt, 0x8000000000000000, 0x7fffffffffffffff
    TEST_BR2_NOTTAKEN 11, blt, 1, -1
    TEST_BR2_NOTTAKEN 12, blt, 1, 1
    TEST_BR2_TAKEN 13, bge, 1, 1
    TEST_BR2_TAKEN 14, bge, 1, -1
    TEST_BR2_NOTTAKEN 15, bge, -1, 1
    TEST_BR2_TAKEN 16, bltu, 1, -1
    TEST_BR2_TAKEN 17, bltu, 0x7fffffffffffffff, 0x8000000000000000
    TEST_BR2_NOTTAKEN 18, bltu, -1, 1
    TEST_BR2_NOTTAKEN 19, bltu, 1, 1
    TEST_BR2_TAKEN 20, bgeu, -1, 1
    TEST_BR2_TAKEN 21, bgeu, 1, 1
    TEST_BR2_NOTTAKEN 22, bgeu, 1, -1

    RVTEST_END
