// SPDX-License-Identifier: GPL-2.0
/*
 * Finding and reading the ELF file behind a recorded mapping: the file at its path when its
 * build-id matches, else the split debug info under the debug folders (.build-id/xx/yyyy.debug),
 * else a debuginfod client's cache; then its loadable segments (for the load bias), its symbols
 * (.symtab, then .dynsym) sorted for binary search, and its allocated sections. Any file may be
 * damaged or hostile: everything read from it is bounded by libelf, and a file that makes no
 * sense just leaves the mapping with a label and a note.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <elfutils/libdwelf.h>

#include "report/symbols-priv.h"

#define SYM_MAX_SYMBOLS	(16u << 20)	/* a bound on one file's table, against hostile counts */

struct symelf_file {
	int fd;
	Elf *elf;
};

static void symelf_close(struct symelf_file *f)
{
	if (f->elf)
		elf_end(f->elf);
	if (f->fd >= 0)
		close(f->fd);
	f->elf = NULL;
	f->fd = -1;
}

/* Opens @path as an ELF file; only regular files, so that a device node is never opened twice. */
static int symelf_open(const char *path, struct symelf_file *f)
{
	struct stat st;

	f->elf = NULL;
	f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (f->fd < 0)
		return -errno;
	if (fstat(f->fd, &st) || !S_ISREG(st.st_mode)) {
		symelf_close(f);
		return -ENOEXEC;
	}
	f->elf = elf_begin(f->fd, ELF_C_READ_MMAP, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF || !gelf_getclass(f->elf)) {
		symelf_close(f);
		return -ENOEXEC;
	}
	return 0;
}

/* The GNU build-id of @elf into @id; returns its length, 0 without one. */
static size_t symelf_build_id(Elf *elf, uint8_t id[32])
{
	const void *p = NULL;
	ssize_t n = dwelf_elf_gnu_build_id(elf, &p);

	if (n <= 0 || !p)
		return 0;
	if (n > 32)
		n = 32;
	memcpy(id, p, (size_t)n);
	return (size_t)n;
}

static void hex(const uint8_t *id, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[2 * len] = '\0';
}

static int has_section(Elf *elf, uint32_t type, const char *name)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (type && sh.sh_type == type)
			return 1;
		n = name ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
		if (n && !strcmp(n, name) && sh.sh_type != SHT_NOBITS)
			return 1;
	}
	return 0;
}

/* A split debug file by build-id: the debug folders, then the debuginfod cache. */
static int open_debug_by_id(const struct sym_cache *c, const uint8_t *id, size_t len,
			    struct symelf_file *f)
{
	char h[65], path[4096];

	if (len < 2)
		return -ENOENT;
	hex(id, len, h);
	for (size_t i = 0; i < c->nr_debug_dirs; i++) {
		snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", c->debug_dirs[i], h, h + 2);
		if (!symelf_open(path, f))
			return 0;
	}
	if (c->debuginfod_cache) {
		snprintf(path, sizeof(path), "%s/%s/debuginfo", c->debuginfod_cache, h);
		if (!symelf_open(path, f))
			return 0;
	}
	return -ENOENT;
}

/* The executable itself from a debuginfod cache, for a file replaced on disk. */
static int open_exec_by_id(const struct sym_cache *c, const uint8_t *id, size_t len,
			   struct symelf_file *f)
{
	char h[65], path[4096];

	if (len < 2 || !c->debuginfod_cache)
		return -ENOENT;
	hex(id, len, h);
	snprintf(path, sizeof(path), "%s/%s/executable", c->debuginfod_cache, h);
	return symelf_open(path, f);
}

/* .gnu_debuglink: beside the file, in .debug/ beside it, and under each debug folder. */
static int open_debuglink(const struct sym_cache *c, Elf *elf, const char *file,
			  const uint8_t *id, size_t idlen, struct symelf_file *f)
{
	GElf_Word crc;
	const char *link = dwelf_elf_gnu_debuglink(elf, &crc);
	char dir[4096], path[8192];
	const char *slash = strrchr(file, '/');
	size_t dlen = slash ? (size_t)(slash - file) : 0;

	if (!link || !*link || strchr(link, '/'))
		return -ENOENT;
	if (dlen >= sizeof(dir))
		return -ENOENT;
	memcpy(dir, file, dlen);
	dir[dlen] = '\0';
	for (size_t i = 0; i < 2 + c->nr_debug_dirs; i++) {
		uint8_t got[32];
		size_t glen;

		if (i == 0)
			snprintf(path, sizeof(path), "%s/%s", dir, link);
		else if (i == 1)
			snprintf(path, sizeof(path), "%s/.debug/%s", dir, link);
		else
			snprintf(path, sizeof(path), "%s%s/%s", c->debug_dirs[i - 2],
				 dir + (c->root ? strlen(c->root) : 0), link);
		if (!strcmp(path, file) || symelf_open(path, f))
			continue;
		glen = symelf_build_id(f->elf, got);
		if (!idlen || (glen == idlen && !memcmp(got, id, idlen)))
			return 0;
		symelf_close(f);
	}
	return -ENOENT;
}

static int read_loads(struct sym_elf *e, Elf *elf)
{
	size_t n;

	if (elf_getphdrnum(elf, &n) || n == 0)
		return 0;
	if (n > 4096)
		n = 4096;
	e->loads = calloc(n, sizeof(*e->loads));
	if (!e->loads)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		e->loads[e->nr_loads++] = (struct sym_load){
			.vaddr = ph.p_vaddr, .offset = ph.p_offset,
			.filesz = ph.p_filesz, .memsz = ph.p_memsz,
		};
	}
	return 0;
}

static int cmp_section(const void *a, const void *b)
{
	const struct sym_section *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int read_sections(struct sym_elf *e, Elf *elf)
{
	size_t shstrndx, n;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &n) || n == 0)
		return 0;
	if (n > 65536)
		n = 65536;
	e->secs = calloc(n, sizeof(*e->secs));
	if (!e->secs)
		return -ENOMEM;
	while ((scn = elf_nextscn(elf, scn)) && e->nr_secs < n) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) ||
		    (sh.sh_flags & SHF_TLS) || sh.sh_size == 0 || sh.sh_addr + sh.sh_size < sh.sh_addr)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		e->secs[e->nr_secs++] = (struct sym_section){
			.addr = sh.sh_addr, .size = sh.sh_size, .name = name ? name : "?",
		};
	}
	if (e->nr_secs)
		qsort(e->secs, e->nr_secs, sizeof(*e->secs), cmp_section);
	return 0;
}

static int add_symbols(struct sym_elf *e, Elf *elf, uint32_t type, size_t *alloc, int *found)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			continue;
		*found = 1;
		n = data->d_size / sh.sh_entsize;
		for (size_t i = 1; i < n && e->nr_syms < SYM_MAX_SYMBOLS; i++) {
			GElf_Sym s;
			const char *name;
			int st = 0, bind;

			if (!gelf_getsym(data, (int)i, &s))
				break;
			switch (GELF_ST_TYPE(s.st_info)) {
			case STT_FUNC:
			case STT_GNU_IFUNC:
				st = SYM_FUNCTION;
				break;
			case STT_OBJECT:
			case STT_COMMON:
				st = SYM_OBJECT;
				break;
			}
			if (!st || s.st_shndx == SHN_UNDEF || s.st_shndx == SHN_ABS || !s.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || !*name)
				continue;
			if (e->nr_syms == *alloc) {
				size_t na = *alloc ? *alloc * 2 : 256;
				struct sym_entry *v = realloc(e->syms, na * sizeof(*v));

				if (!v)
					return -ENOMEM;
				e->syms = v;
				*alloc = na;
			}
			bind = GELF_ST_BIND(s.st_info);
			e->syms[e->nr_syms++] = (struct sym_entry){
				.addr = s.st_value, .size = s.st_size, .name = name,
				.kind = (uint8_t)st,
				.rank = (uint8_t)((bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2) +
						  (type == SHT_DYNSYM ? 3 : 0)),
			};
		}
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct sym_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->rank - (int)y->rank;
}

/* Sorts by address and keeps one entry per address: the best ranked, with a known size. */
static void sort_unique(struct sym_entry *v, size_t *n)
{
	size_t out = 0;

	if (!*n)
		return;
	qsort(v, *n, sizeof(*v), cmp_entry);
	for (size_t i = 0; i < *n; i++) {
		if (out && v[out - 1].addr == v[i].addr) {
			if (!v[out - 1].size)
				v[out - 1].size = v[i].size;
			continue;
		}
		v[out++] = v[i];
	}
	*n = out;
}

static int read_symbols(struct sym_elf *e)
{
	size_t alloc = 0;
	int symtab = 0, dynsym = 0, ret;

	if (e->dbg)
		ret = add_symbols(e, e->dbg, SHT_SYMTAB, &alloc, &symtab);
	else
		ret = 0;
	if (!ret && !symtab)
		ret = add_symbols(e, e->elf, SHT_SYMTAB, &alloc, &symtab);
	if (!ret)
		ret = add_symbols(e, e->elf, SHT_DYNSYM, &alloc, &dynsym);
	if (ret)
		return ret;
	sort_unique(e->syms, &e->nr_syms);
	ret = sym_index(e->syms, e->nr_syms, &e->sym_addrs);
	if (ret)
		return ret;
	if (!symtab && !e->note[0])
		snprintf(e->note, sizeof(e->note), dynsym ? "stripped: .dynsym only" :
			 "stripped: sections only");
	return 0;
}

static int ids_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

int sym_elf_load(struct sym_cache *c, const struct dpf_mapping *m, struct sym_elf *e)
{
	struct symelf_file main = { -1, NULL }, dbg = { -1, NULL };
	char path[4096];
	uint8_t id[32];
	size_t idlen = 0, mlen = m->build_id_len > 32 ? 32 : m->build_id_len;
	const char *deleted;
	int ret;

	e->fd = e->dbg_fd = -1;
	snprintf(path, sizeof(path), "%s%s", c->root ? c->root : "", m->path);
	deleted = strstr(path, " (deleted)");
	if (deleted && !deleted[10])
		path[deleted - path] = '\0';
	if (!symelf_open(path, &main)) {
		idlen = symelf_build_id(main.elf, id);
		if (mlen && !ids_equal(id, idlen, m->build_id, mlen)) {
			symelf_close(&main);
			snprintf(e->note, sizeof(e->note), "build-id mismatch");
		}
	} else {
		snprintf(e->note, sizeof(e->note), "%s", deleted ? "file deleted" : "file not found");
	}
	if (!main.elf && mlen && !open_exec_by_id(c, m->build_id, mlen, &main)) {
		idlen = symelf_build_id(main.elf, id);
		e->note[0] = '\0';
	}
	if (!main.elf && mlen && !open_debug_by_id(c, m->build_id, mlen, &dbg)) {
		/* only the debug file is left: it has the symbols and the program headers */
		main = dbg;
		dbg = (struct symelf_file){ -1, NULL };
		e->debug_only = 1;
		if (e->note[0]) {
			char was[sizeof(e->note)];

			memcpy(was, e->note, sizeof(was));
			snprintf(e->note, sizeof(e->note), "%.40s, used debug file", was);
		}
	} else if (main.elf && (!has_section(main.elf, SHT_SYMTAB, NULL) ||
				!has_section(main.elf, 0, ".debug_info"))) {
		if (open_debug_by_id(c, id, idlen, &dbg))
			open_debuglink(c, main.elf, path, id, idlen, &dbg);
	}
	if (!main.elf)
		return 0;
	e->fd = main.fd;
	e->elf = main.elf;
	e->dbg_fd = dbg.fd;
	e->dbg = dbg.elf;
	ret = read_loads(e, e->elf);
	if (!ret && !e->nr_loads && e->dbg)
		ret = read_loads(e, e->dbg);
	if (!ret)
		ret = read_sections(e, e->elf);
	if (!ret)
		ret = read_symbols(e);
	if (ret)
		return ret;
	e->usable = e->nr_loads > 0;
	if (!e->usable && !e->note[0])
		snprintf(e->note, sizeof(e->note), "no loadable segment");
	c->stats.elf_loads++;
	c->stats.symbols += e->nr_syms;
	return 0;
}

void sym_elf_release(struct sym_elf *e)
{
	if (e->dw)
		dwarf_end(e->dw);
	for (size_t i = 0; i < e->nr_var_names; i++)
		free(e->var_names[i]);
	free(e->var_names);
	free(e->vars);
	free(e->var_addrs);
	free(e->syms);
	free(e->sym_addrs);
	free(e->secs);
	free(e->loads);
	if (e->dbg)
		elf_end(e->dbg);
	if (e->dbg_fd >= 0)
		close(e->dbg_fd);
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	free(e->key);
}

int sym_elf_bias(const struct sym_elf *e, const struct dpf_mapping *maps, size_t nr,
		 const struct dpf_mapping *m, uint64_t *bias)
{
	/*
	 * The image starts where the file's first page is mapped, at its first segment's page: a
	 * debug file keeps the segments' addresses but not their file offsets, and two segments can
	 * share a page of the file (.rodata's and .data's, RELRO leaving both read-only), so that
	 * the mapping's own offset does not tell which segment it holds.
	 */
	{
		uint64_t first = UINT64_MAX;

		for (size_t i = 0; i < e->nr_loads; i++)
			if (e->loads[i].vaddr < first)
				first = e->loads[i].vaddr;
		for (size_t i = 0; i < nr; i++)
			if (maps[i].offset == 0 && !strcmp(maps[i].path, m->path) &&
			    first != UINT64_MAX) {
				*bias = maps[i].start - (first & ~(uint64_t)4095);
				return 0;
			}
		if (e->debug_only)
			return -ENOENT;
	}
	/* the first page is not mapped: the segment that holds the mapping's offset */
	for (size_t i = 0; i < e->nr_loads; i++) {
		const struct sym_load *l = &e->loads[i];
		uint64_t first = l->offset & ~(uint64_t)4095;

		/* the segment's first page may begin before p_offset (p_offset is not aligned) */
		if (!l->filesz || m->offset < first || m->offset >= l->offset + l->filesz)
			continue;
		*bias = m->start - m->offset - (l->vaddr - l->offset);
		return 0;
	}
	return -ENOENT;
}

uint64_t sym_elf_load_end(const struct sym_elf *e)
{
	uint64_t end = 0;

	for (size_t i = 0; i < e->nr_loads; i++)
		if (e->loads[i].vaddr + e->loads[i].memsz > end)
			end = e->loads[i].vaddr + e->loads[i].memsz;
	return end;
}

int sym_index(const struct sym_entry *v, size_t n, uint64_t **addrs)
{
	*addrs = malloc((n ? n : 1) * sizeof(**addrs));
	if (!*addrs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		(*addrs)[i] = v[i].addr;
	return 0;
}

long sym_find(const uint64_t *addrs, size_t n, uint64_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addrs[mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}
