/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What report/symbols.c (mappings and labels), report/symbols-elf.c (finding and reading an ELF
 * file) and report/symbols-dwarf.c (its variables) share: one loaded ELF file and its tables.
 */
#ifndef REPORT_SYMBOLS_PRIV_H
#define REPORT_SYMBOLS_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <libelf.h>
#include <elfutils/libdw.h>

#include "report/symbols.h"

/* One symbol or variable, at its link-time address. */
struct sym_entry {
	uint64_t addr;
	uint64_t size;
	const char *name;	/* into the ELF's string table, or owned by the file's var_names */
	const char *cu;		/* variables: the compilation unit's name (owned by the DWARF) */
	const char *type;	/* variables: owned, in the file's var_names */
	uint8_t kind;		/* SYM_FUNCTION or SYM_OBJECT */
	uint8_t rank;		/* ties at one address: lower wins (global .symtab first) */
};

struct sym_section {
	uint64_t addr;
	uint64_t size;
	const char *name;
};

struct sym_load {		/* a PT_LOAD segment */
	uint64_t vaddr;
	uint64_t offset;
	uint64_t filesz;
	uint64_t memsz;
};

struct sym_elf {
	char *key;		/* "b:HEX" by build-id, "p:PATH" without one */
	int usable;		/* 0: nothing but @note (not found, not ELF, mismatch) */
	int debug_only;		/* @elf is a debug file: its segments' file offsets are not real */
	char note[64];
	int fd;
	Elf *elf;		/* the file mapped, or its debug file when only that was found */
	int dbg_fd;
	Elf *dbg;		/* split debug info, or NULL */
	struct sym_load *loads;
	size_t nr_loads;
	struct sym_entry *syms;	/* sorted by addr */
	uint64_t *sym_addrs;	/* their addresses, for sym_find() */
	size_t nr_syms;
	struct sym_section *secs;	/* SHF_ALLOC ones, sorted by addr */
	size_t nr_secs;
	int vars_loaded;
	Dwarf *dw;		/* NULL without DWARF */
	struct sym_entry *vars;	/* static-storage variables, sorted by addr */
	uint64_t *var_addrs;
	size_t nr_vars;
	char **var_names;	/* owned strings of vars (names and types) */
	size_t nr_var_names;
};

struct sym_cache {
	char **debug_dirs;
	size_t nr_debug_dirs;
	char *debuginfod_cache;
	char *root;
	char *exe_name;
	struct sym_elf **slots;	/* open addressing by key */
	size_t nr_slots;
	size_t nr_elves;
	struct sym_stats stats;
	struct sym_elf *last;	/* the answer of the last cache_get(), by its key */
	uint8_t last_id_len;
	uint8_t last_id[32];
};

/*
 * sym_elf_load() - find and read the ELF file of mapping @m (by its path and build-id, then the
 * debug folders, then the debuginfod cache) into @out. Never fails on bad files: @out->usable
 * says whether it holds anything. Return: 0 or -ENOMEM.
 */
int sym_elf_load(struct sym_cache *c, const struct dpf_mapping *m, struct sym_elf *out);
void sym_elf_release(struct sym_elf *e);
/*
 * sym_elf_bias() - what to add to a link-time address of @e to get the target address, for
 * mapping @m of it (one of @maps). Return: 0, or -ENOENT when no loadable segment holds @m's
 * file offset.
 */
int sym_elf_bias(const struct sym_elf *e, const struct dpf_mapping *maps, size_t nr,
		 const struct dpf_mapping *m, uint64_t *bias);
/* sym_elf_load_end() - end of the link-time image (highest PT_LOAD vaddr + memsz). */
uint64_t sym_elf_load_end(const struct sym_elf *e);
/* sym_elf_load_vars() - build @e's variable table once (symbols-dwarf.c). Return: 0/-ENOMEM. */
int sym_elf_load_vars(struct sym_elf *e);
/* sym_elf_line() - source file (base name) and line of link-time @vaddr. Return: 1 or 0. */
int sym_elf_line(struct sym_elf *e, uint64_t vaddr, char *file, size_t len, int *line);
/* sym_elf_cu_of() - the compilation unit holding link-time @vaddr, or NULL. */
const char *sym_elf_cu_of(struct sym_elf *e, uint64_t vaddr);

/*
 * sym_find() - index of the last of the sorted @addrs (n of them) that is <= @a, or -1. The
 * addresses are kept apart from the entries so that a search touches 8 bytes per step.
 */
long sym_find(const uint64_t *addrs, size_t n, uint64_t a);
/* sym_index() - @v's addresses into a new array at *@addrs. Return: 0 or -ENOMEM. */
int sym_index(const struct sym_entry *v, size_t n, uint64_t **addrs);

#endif /* REPORT_SYMBOLS_PRIV_H */
