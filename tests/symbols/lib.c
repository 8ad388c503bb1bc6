// SPDX-License-Identifier: GPL-2.0
/* Fixture of tests/unit/report-symbols.c: a shared library that prog.c dlopens. */
struct record {
	int id;
	double weight;
};

struct record lib_table[1000];		/* .bss */
int lib_counter = 5;			/* .data */

int lib_function(int x)
{
	lib_counter += x;
	return lib_table[x % 1000].id += lib_counter;
}

long *lib_hidden_addr(void)
{
	static long hidden[64];

	hidden[0]++;
	return hidden;
}
