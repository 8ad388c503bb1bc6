/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one labeler of addresses for every report: what a target address was, from the memory maps
 * recorded with it. A file-backed address resolves through the file's ELF symbols and DWARF
 * (found by build-id, so it works after the process is gone), anything else gets the label a
 * user knows the mapping by ([heap], [stack], [anon:NAME], a thread's stack, a file's name).
 * Documentation/daprof-design-notes.7, note 19, states the lookup order and the names.
 *
 * report/symbols*.c are the only code of daprof that uses libelf and libdw.
 */
#ifndef REPORT_SYMBOLS_H
#define REPORT_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "format/dpf.h"

enum sym_kind {
	SYM_UNKNOWN,		/* no mapping holds the address */
	SYM_FUNCTION,		/* an ELF function symbol */
	SYM_OBJECT,		/* a data object: a DWARF variable or an ELF object symbol */
	SYM_SECTION,		/* an ELF section, between objects: ".bss+0x40" */
	SYM_FILE,		/* a file mapping with nothing finer: "name+0xOFFSET" */
	SYM_HEAP,		/* [heap], or a glibc malloc arena */
	SYM_STACK,		/* [stack], or a thread's stack */
	SYM_ANON,		/* any other anonymous mapping, [anon:NAME] */
	SYM_VDSO,		/* [vdso], [vvar], [vsyscall]: the kernel's, not the loader's */
};

/* sym_kind_name() - "function", "object", "section", "file", "heap", ... */
const char *sym_kind_name(enum sym_kind kind);

struct sym_opts {
	/*
	 * Folders that hold split debug info as .build-id/xx/yyyy.debug and by .gnu_debuglink name,
	 * NULL-terminated; NULL means { "/usr/lib/debug", NULL } under @root.
	 */
	const char *const *debug_dirs;
	/* A debuginfod client's cache (DIR/BUILDID/debuginfo, DIR/BUILDID/executable), or NULL. */
	const char *debuginfod_cache;
	/* Prefix of every recorded path and of the default debug folder ("" or NULL: none). */
	const char *root;
	/*
	 * The name the program was started as (argv[0] of the recorded command line), which labels
	 * the executable instead of the name of the file it resolved to; NULL: the file's name.
	 * The executable is the file of the lowest file mapping.
	 */
	const char *exe_name;
};
#define SYM_OPTS_INIT { NULL, NULL, NULL, NULL }

/*
 * What an address is. @start and @size bound the run of target addresses that resolves to the
 * same answer (the object; for a section the gap between its neighbouring objects; for a label
 * the mapping), so that a range can be split across the objects it covers. Strings are always
 * NUL-terminated, "" when unknown, and cut to fit.
 */
struct sym_result {
	enum sym_kind kind;
	uint64_t addr;		/* the address asked */
	uint64_t start;		/* target address of the object */
	uint64_t size;		/* its size in bytes (0: a symbol of unknown size) */
	char name[256];		/* "counter", "work::hits", ".bss+0x40", "[heap]", "libc.so.6+0x1000" */
	char label[128];	/* the mapping: "prog", "libc.so.6", "[heap]", "[anon:NAME]" */
	char cu[256];		/* the compilation unit, when DWARF says */
	char type[128];		/* "struct entry[65536]", "int", "char[4096]" */
	char note[64];		/* "build-id mismatch", "stripped: .dynsym only", "guess", ... */
};

struct sym_cache;

/*
 * sym_cache_new() - a symbolizer with its per-build-id cache of ELF files. @opts may be NULL;
 * its strings are copied. Return: 0 or -ENOMEM.
 */
int sym_cache_new(struct sym_cache **out, const struct sym_opts *opts);
void sym_cache_free(struct sym_cache *c);

/*
 * sym_resolve() - label @addr of a target whose memory maps are @maps (@nr of them, sorted by
 * start address and not overlapping, as a recording holds them). Damaged, missing or replaced
 * files give a label and a note, never an error.
 * Return: 0, -EINVAL on a NULL argument, -ENOMEM.
 */
int sym_resolve(struct sym_cache *c, const struct dpf_mapping *maps, size_t nr, uint64_t addr,
		struct sym_result *out);

/*
 * sym_objects_in() - call @fn for each run of [@start, @end) that resolves to one answer, in
 * address order, with the part of the range it covers ([@lo, @hi)). A non-zero return of @fn
 * stops the walk and is returned. Return: 0, what @fn returned, -EINVAL, -ENOMEM.
 */
typedef int (*sym_object_fn)(const struct sym_result *r, uint64_t lo, uint64_t hi, void *arg);
int sym_objects_in(struct sym_cache *c, const struct dpf_mapping *maps, size_t nr,
		   uint64_t start, uint64_t end, sym_object_fn fn, void *arg);

/*
 * sym_source_line() - the source file and line of code address @addr (link-time address looked
 * up through the file's DWARF line table), into @file (its base name) and *@line. Pass a return
 * address minus one to get the call. Return: 1 found, 0 not (no file, no DWARF), -ENOMEM.
 */
int sym_source_line(struct sym_cache *c, const struct dpf_mapping *maps, size_t nr, uint64_t addr,
		    char *file, size_t len, int *line);

/* Counts for benchmarks and tests: ELF files opened (cache misses) and DWARF tables built. */
struct sym_stats {
	size_t elf_loads;
	size_t dwarf_loads;
	size_t symbols;		/* symbols held, over all files */
	size_t variables;	/* DWARF variables held, over all files */
};
void sym_cache_stats(const struct sym_cache *c, struct sym_stats *st);

#endif /* REPORT_SYMBOLS_H */
