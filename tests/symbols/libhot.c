// SPDX-License-Identifier: GPL-2.0
/*
 * Library of tests/cli/t0531-report-hot-builds.sh that tests/workloads/hotsyms.c dlopens (at
 * whatever base ASLR gives): lib_tick(), called every pass, writes lib_hot_table (16 KiB, .bss)
 * in full every pass and lib_cold_table (16 KiB, .bss) once, at the first pass.
 */
#include <string.h>

char lib_hot_table[16 << 10] __attribute__((aligned(4096)));
char lib_cold_table[16 << 10] __attribute__((aligned(4096)));

void lib_tick(unsigned pass)
{
	if (!pass)
		memset(lib_cold_table, 3, sizeof(lib_cold_table));
	memset(lib_hot_table, (int)pass, sizeof(lib_hot_table));
}
