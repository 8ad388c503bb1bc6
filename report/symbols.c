// SPDX-License-Identifier: GPL-2.0
/*
 * The labeler: from a target address and the memory maps recorded with it, what the address is.
 * This file holds the cache of ELF files (one per build-id), the reading of a mapping (a file,
 * the .bss tail of a file, the heap, a stack, an anonymous area by what is known of it) and the
 * walk of the objects in a range. report/symbols-elf.c finds and reads the files and
 * report/symbols-dwarf.c their variables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/symbols-priv.h"

static const char *const default_debug_dirs[] = { "/usr/lib/debug", NULL };

const char *sym_kind_name(enum sym_kind kind)
{
	static const char *const names[] = {
		[SYM_UNKNOWN] = "unknown", [SYM_FUNCTION] = "function", [SYM_OBJECT] = "object",
		[SYM_SECTION] = "section", [SYM_FILE] = "file", [SYM_HEAP] = "heap",
		[SYM_STACK] = "stack", [SYM_ANON] = "anon", [SYM_VDSO] = "vdso",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "unknown";
}

int sym_cache_new(struct sym_cache **out, const struct sym_opts *opts)
{
	static const struct sym_opts none = SYM_OPTS_INIT;
	const char *const *dirs;
	struct sym_cache *c;
	size_t n = 0;

	*out = NULL;
	if (!opts)
		opts = &none;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	dirs = opts->debug_dirs ? opts->debug_dirs : default_debug_dirs;
	while (dirs[n])
		n++;
	c->debug_dirs = calloc(n + 1, sizeof(*c->debug_dirs));
	c->nr_slots = 64;
	c->slots = calloc(c->nr_slots, sizeof(*c->slots));
	c->root = strdup(opts->root ? opts->root : "");
	if (!c->debug_dirs || !c->slots || !c->root)
		goto out_nomem;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(c->root) + strlen(dirs[i]) + 1;

		c->debug_dirs[i] = malloc(len);
		if (!c->debug_dirs[i])
			goto out_nomem;
		/* only the default folder is a path of the recorded system */
		snprintf(c->debug_dirs[i], len, "%s%s", opts->debug_dirs ? "" : c->root, dirs[i]);
		c->nr_debug_dirs++;
	}
	if (opts->debuginfod_cache && !(c->debuginfod_cache = strdup(opts->debuginfod_cache)))
		goto out_nomem;
	if (opts->exe_name) {
		const char *slash = strrchr(opts->exe_name, '/');

		c->exe_name = strdup(slash ? slash + 1 : opts->exe_name);
		if (!c->exe_name)
			goto out_nomem;
	}
	*out = c;
	return 0;

out_nomem:
	sym_cache_free(c);
	return -ENOMEM;
}

void sym_cache_free(struct sym_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->slots && i < c->nr_slots; i++)
		if (c->slots[i]) {
			sym_elf_release(c->slots[i]);
			free(c->slots[i]);
		}
	for (size_t i = 0; i < c->nr_debug_dirs; i++)
		free(c->debug_dirs[i]);
	free(c->debug_dirs);
	free(c->slots);
	free(c->debuginfod_cache);
	free(c->root);
	free(c->exe_name);
	free(c);
}

void sym_cache_stats(const struct sym_cache *c, struct sym_stats *st)
{
	*st = c->stats;
}

/* ---- the cache: one entry per build-id (or per path, for a file recorded without one) ---- */

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

static void make_key(const struct dpf_mapping *m, char *key, size_t len)
{
	size_t n = m->build_id_len > 32 ? 32 : m->build_id_len;

	if (!n) {
		snprintf(key, len, "p:%s", m->path);
		return;
	}
	key[0] = 'b';
	key[1] = ':';
	for (size_t i = 0; i < n; i++) {
		key[2 + 2 * i] = "0123456789abcdef"[m->build_id[i] >> 4];
		key[3 + 2 * i] = "0123456789abcdef"[m->build_id[i] & 15];
	}
	key[2 + 2 * n] = '\0';
}

static int cache_grow(struct sym_cache *c)
{
	size_t n = c->nr_slots * 2;
	struct sym_elf **s = calloc(n, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < c->nr_slots; i++) {
		size_t j;

		if (!c->slots[i])
			continue;
		j = hash_key(c->slots[i]->key) & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = c->slots[i];
	}
	free(c->slots);
	c->slots = s;
	c->nr_slots = n;
	return 0;
}

/* The ELF file of file mapping @m, loaded on first use. Return: 0 or -ENOMEM. */
static int cache_get(struct sym_cache *c, const struct dpf_mapping *m, struct sym_elf **out)
{
	char key[4200];
	size_t i;
	struct sym_elf *e;
	int ret;

	/* a report asks about one mapping many times in a row */
	if (c->last && c->last_id_len == m->build_id_len &&
	    (m->build_id_len ? !memcmp(c->last_id, m->build_id, m->build_id_len) :
	     !strcmp(c->last->key + 2, m->path))) {
		*out = c->last;
		return 0;
	}
	make_key(m, key, sizeof(key));
	i = hash_key(key) & (c->nr_slots - 1);
	while (c->slots[i]) {
		if (!strcmp(c->slots[i]->key, key)) {
			*out = c->slots[i];
			goto out_remember;
		}
		i = (i + 1) & (c->nr_slots - 1);
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strdup(key))) {
		free(e);
		return -ENOMEM;
	}
	ret = sym_elf_load(c, m, e);
	if (ret) {
		sym_elf_release(e);
		free(e);
		return ret;
	}
	c->slots[i] = e;
	c->nr_elves++;
	*out = e;
	if (c->nr_elves * 2 > c->nr_slots) {
		ret = cache_grow(c);
		if (ret)
			return ret;
	}
out_remember:
	c->last = *out;
	c->last_id_len = m->build_id_len;
	memcpy(c->last_id, m->build_id, sizeof(c->last_id));
	return 0;
}

/* ---- labels ---- */

/* @src into @dst of @len bytes, cut to fit (snprintf's "%s" without its cost). */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int is_file(const struct dpf_mapping *m)
{
	return m->path && m->path[0] == '/';
}

/* The executable: the file of the lowest file mapping. */
static int is_executable(const struct dpf_mapping *maps, size_t nr, const struct dpf_mapping *m)
{
	for (size_t i = 0; i < nr; i++)
		if (is_file(&maps[i]))
			return !strcmp(maps[i].path, m->path);
	return 0;
}

static void file_label(const struct sym_cache *c, const struct dpf_mapping *maps, size_t nr,
		       const struct dpf_mapping *m, struct sym_result *r)
{
	const char *b = base_name(m->path);
	const char *del = strstr(b, " (deleted)");
	int len = del && !del[10] ? (int)(del - b) : (int)strlen(b);

	if (c->exe_name && is_executable(maps, nr, m))
		copy(r->label, sizeof(r->label), c->exe_name);
	else
		snprintf(r->label, sizeof(r->label), "%.*s", len, b);
}

static int anon(const struct dpf_mapping *m)
{
	return !m->path || !m->path[0];
}

/*
 * An anonymous mapping by what its neighbours say. glibc puts a thread's stack above a guard
 * page (PROT_NONE, one page by default) and reserves a malloc arena as 64 MiB aligned to 64 MiB
 * of which the unused top is PROT_NONE. Neither is certain, so both are marked as guesses.
 */
static void anon_label(const struct dpf_mapping *maps, size_t nr, size_t i, struct sym_result *r)
{
	const struct dpf_mapping *m = &maps[i];
	const uint64_t arena = 64ull << 20;

	r->kind = SYM_ANON;
	snprintf(r->label, sizeof(r->label), "[anon]");
	if (!(m->perms & DPF_MAP_WRITE))
		return;
	if (i + 1 < nr && anon(&maps[i + 1]) && maps[i + 1].start == m->end &&
	    !(maps[i + 1].perms & (DPF_MAP_READ | DPF_MAP_WRITE)) && !(m->start & (arena - 1)) &&
	    maps[i + 1].end - m->start == arena) {
		r->kind = SYM_HEAP;
		snprintf(r->label, sizeof(r->label), "[malloc arena]");
		snprintf(r->note, sizeof(r->note), "guess");
	} else if (i > 0 && anon(&maps[i - 1]) && maps[i - 1].end == m->start &&
		   !(maps[i - 1].perms & (DPF_MAP_READ | DPF_MAP_WRITE)) &&
		   maps[i - 1].end - maps[i - 1].start <= (64u << 10) &&
		   m->end - m->start >= (64u << 10)) {
		r->kind = SYM_STACK;
		snprintf(r->label, sizeof(r->label), "[thread stack]");
		snprintf(r->note, sizeof(r->note), "guess");
	}
}

/* A mapping that is not a file: its label, and the mapping as the object. */
static void special_label(const struct dpf_mapping *maps, size_t nr, size_t i, struct sym_result *r)
{
	const struct dpf_mapping *m = &maps[i];
	const char *p = m->path ? m->path : "";

	r->start = m->start;
	r->size = m->end - m->start;
	if (!p[0]) {
		anon_label(maps, nr, i, r);
	} else if (!strcmp(p, "[heap]")) {
		r->kind = SYM_HEAP;
	} else if (!strcmp(p, "[stack]") || !strncmp(p, "[stack:", 7)) {
		r->kind = SYM_STACK;
	} else if (!strcmp(p, "[vdso]") || !strcmp(p, "[vvar]") || !strcmp(p, "[vsyscall]") ||
		   !strncmp(p, "[vvar_", 6)) {
		r->kind = SYM_VDSO;
	} else {
		r->kind = SYM_ANON;	/* [anon:NAME], [anon_shmem:NAME], [uprobes], ... */
	}
	if (p[0])
		snprintf(r->label, sizeof(r->label), "%s", p);
	snprintf(r->name, sizeof(r->name), "%s", r->label);
}

/* ---- resolving inside an ELF file ---- */

/* The entry of @v covering link-time @a (an earlier, larger one may cover it too), or NULL. */
static const struct sym_entry *covering(const struct sym_entry *v, const uint64_t *addrs,
				       size_t n, uint64_t a, long *at)
{
	long i = sym_find(addrs, n, a);

	*at = i;
	for (long k = i; k >= 0 && k > i - 8; k--)
		if (a == v[k].addr || a - v[k].addr < v[k].size)
			return &v[k];
	return NULL;
}

static const struct sym_section *section_of(const struct sym_elf *e, uint64_t a)
{
	size_t lo = 0, hi = e->nr_secs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->secs[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k > 0 && k + 8 > lo; k--)	/* sections may overlap (.tbss) */
		if (a - e->secs[k - 1].addr < e->secs[k - 1].size)
			return &e->secs[k - 1];
	return NULL;
}

/* Narrows [*lo, *hi) to the gap around @a between the entries of @v. */
static void gap_in(const struct sym_entry *v, size_t n, long at, uint64_t a, uint64_t *lo,
		   uint64_t *hi)
{
	if (at >= 0) {
		uint64_t end = v[at].addr + (v[at].size ? v[at].size : 1);

		if (end <= a && end > *lo)
			*lo = end;
	}
	if ((size_t)(at + 1) < n && v[at + 1].addr < *hi && v[at + 1].addr > a)
		*hi = v[at + 1].addr;
}

/* The DWARF variables of @e, loaded once and counted in the cache's figures. */
static int load_vars(struct sym_cache *c, struct sym_elf *e)
{
	int ret;

	if (e->vars_loaded)
		return 0;
	ret = sym_elf_load_vars(e);
	if (!ret) {
		c->stats.dwarf_loads += e->dw != NULL;
		c->stats.variables += e->nr_vars;
	}
	return ret;
}

/*
 * Resolves link-time @a in @e: a DWARF variable, a symbol, a section, in that order.
 * Return: 1 when one of them holds it, 0 when not, -ENOMEM.
 */
static int resolve_in_elf(struct sym_cache *c, struct sym_elf *e, uint64_t a, uint64_t bias,
			  struct sym_result *r)
{
	const struct sym_entry *s;
	const struct sym_section *sec;
	const char *cu;
	long vat = -1, sat;
	int ret;

	ret = load_vars(c, e);
	if (ret)
		return ret;
	s = covering(e->vars, e->var_addrs, e->nr_vars, a, &vat);
	if (!s || !s->size) {
		const struct sym_entry *sym = covering(e->syms, e->sym_addrs, e->nr_syms, a, &sat);

		if (sym)
			s = sym;
	}
	if (s) {
		r->kind = s->kind;
		r->start = s->addr + bias;
		r->size = s->size;
		copy(r->name, sizeof(r->name), s->name);
		if (s->type)
			copy(r->type, sizeof(r->type), s->type);
		cu = s->cu;
		if (!cu) {	/* a symbol's unit: asked of DWARF once */
			cu = sym_elf_cu_of(e, s->addr);
			((struct sym_entry *)s)->cu = cu = cu ? cu : "";
		}
		copy(r->cu, sizeof(r->cu), cu);
		return 1;
	}
	sec = section_of(e, a);
	if (!sec)
		return 0;
	{
		uint64_t lo = sec->addr, hi = sec->addr + sec->size;

		gap_in(e->syms, e->nr_syms, sat, a, &lo, &hi);
		gap_in(e->vars, e->nr_vars, vat, a, &lo, &hi);
		r->kind = SYM_SECTION;
		r->start = lo + bias;
		r->size = hi - lo;
		snprintf(r->name, sizeof(r->name), "%s+0x%llx", sec->name,
			 (unsigned long long)(a - sec->addr));
	}
	return 1;
}

/*
 * The file mapping whose image covers anonymous mapping @i: the loader maps the part of .bss
 * beyond the file's last page as anonymous memory right after the file's last mapping.
 */
static const struct dpf_mapping *image_owner(const struct dpf_mapping *maps, size_t i)
{
	while (i > 0 && maps[i - 1].end == maps[i].start) {
		i--;
		if (is_file(&maps[i]))
			return &maps[i];
		if (!anon(&maps[i]))
			return NULL;
	}
	return NULL;
}

static long find_mapping(const struct dpf_mapping *maps, size_t nr, uint64_t addr)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (maps[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && addr < maps[lo - 1].end)
		return (long)lo - 1;
	for (size_t i = 0; i < nr; i++)	/* maps not in order: still an answer */
		if (addr >= maps[i].start && addr < maps[i].end)
			return (long)i;
	return -1;
}

/*
 * Link-time @a lies in the image but in no section (the padding before a page-aligned .data):
 * bound the file label by the sections around it, so that a walk over the mapping goes on at the
 * next section instead of labelling the rest of the mapping. Return: 2 (a bounded label).
 */
static int padding_of(const struct sym_elf *e, uint64_t a, uint64_t bias,
		      const struct dpf_mapping *m, struct sym_result *r)
{
	uint64_t lo = m->start - bias, hi = m->end - bias;

	for (size_t k = 0; k < e->nr_secs; k++) {
		uint64_t end = e->secs[k].addr + e->secs[k].size;

		if (end <= a && end > lo)
			lo = end;
		if (e->secs[k].addr > a && e->secs[k].addr < hi)
			hi = e->secs[k].addr;
	}
	r->kind = SYM_FILE;
	r->start = lo + bias;
	r->size = hi - lo;
	return 2;
}

/* Try the ELF image of file mapping @f for @addr within mapping @m. Return: 1, 2 (a label
 * bounded by the sections around @addr), 0, -ENOMEM. */
static int resolve_image(struct sym_cache *c, const struct dpf_mapping *maps, size_t nr,
			 const struct dpf_mapping *f, const struct dpf_mapping *m, uint64_t addr,
			 struct sym_result *r)
{
	struct sym_elf *e;
	uint64_t bias, lo, hi;
	int ret = cache_get(c, f, &e);

	if (ret)
		return ret;
	file_label(c, maps, nr, f, r);
	if (e->note[0])
		copy(r->note, sizeof(r->note), e->note);
	if (!e->usable || sym_elf_bias(e, maps, nr, f, &bias))
		return 0;
	if (m != f && addr - bias >= sym_elf_load_end(e))
		return 0;	/* past the image: memory of its own */
	ret = resolve_in_elf(c, e, addr - bias, bias, r);
	if (!ret)
		return padding_of(e, addr - bias, bias, m, r);
	if (ret < 0)
		return ret;
	/* the answer never reaches beyond the mapping asked about */
	lo = r->start > m->start ? r->start : m->start;
	hi = r->start + r->size < m->end && r->start + r->size > r->start ? r->start + r->size : m->end;
	if (r->kind == SYM_SECTION) {
		r->start = lo;
		r->size = hi - lo;
	}
	return 1;
}

int sym_resolve(struct sym_cache *c, const struct dpf_mapping *maps, size_t nr, uint64_t addr,
		struct sym_result *r)
{
	const struct dpf_mapping *m, *owner;
	long i;
	int ret;

	if (!c || !r || (!maps && nr))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->addr = addr;
	i = find_mapping(maps, nr, addr);
	if (i < 0) {
		r->kind = SYM_UNKNOWN;
		r->start = addr;
		r->size = ~0ull - addr;	/* up to the next mapping */
		for (size_t k = 0; k < nr; k++)
			if (maps[k].start > addr && maps[k].start - addr < r->size)
				r->size = maps[k].start - addr;
		snprintf(r->name, sizeof(r->name), "[unmapped]");
		snprintf(r->label, sizeof(r->label), "[unmapped]");
		return 0;
	}
	m = &maps[i];
	if (is_file(m)) {
		ret = resolve_image(c, maps, nr, m, m, addr, r);
		if (ret < 0 || ret == 1)
			return ret < 0 ? ret : 0;
		if (ret != 2) {
			r->kind = SYM_FILE;
			r->start = m->start;
			r->size = m->end - m->start;
		}
		snprintf(r->name, sizeof(r->name), "%s+0x%llx", r->label,
			 (unsigned long long)(addr - m->start + m->offset));
		return 0;
	}
	/* without ASLR the brk area starts right after .bss, and may take in its tail */
	owner = anon(m) || !strcmp(m->path, "[heap]") ? image_owner(maps, (size_t)i) : NULL;
	if (owner) {
		struct sym_result tail = *r;

		ret = resolve_image(c, maps, nr, owner, m, addr, &tail);
		if (ret < 0)
			return ret;
		if (ret == 1) {	/* 2: in no section of the image, so memory of its own */
			*r = tail;
			return 0;
		}
	}
	special_label(maps, nr, (size_t)i, r);
	return 0;
}

int sym_source_line(struct sym_cache *c, const struct dpf_mapping *maps, size_t nr, uint64_t addr,
		    char *file, size_t len, int *line)
{
	long i = find_mapping(maps, nr, addr);
	struct sym_elf *e;
	uint64_t bias;
	int ret;

	if (i < 0 || !is_file(&maps[i]))
		return 0;
	ret = cache_get(c, &maps[i], &e);
	if (ret)
		return ret;
	if (!e->usable || sym_elf_bias(e, maps, nr, &maps[i], &bias))
		return 0;
	ret = load_vars(c, e);
	if (ret)
		return ret;
	return sym_elf_line(e, addr - bias, file, len, line);
}

int sym_objects_in(struct sym_cache *c, const struct dpf_mapping *maps, size_t nr,
		   uint64_t start, uint64_t end, sym_object_fn fn, void *arg)
{
	struct sym_result r;
	uint64_t a = start;

	if (!fn)
		return -EINVAL;
	while (a < end) {
		uint64_t hi;
		int ret = sym_resolve(c, maps, nr, a, &r);

		if (ret)
			return ret;
		hi = r.start + (r.size ? r.size : 1);
		if (hi <= a || hi < r.start)	/* an object of unknown size, or one that wraps */
			hi = a + 1;
		if (hi > end)
			hi = end;
		ret = fn(&r, a, hi, arg);
		if (ret)
			return ret;
		a = hi;
	}
	return 0;
}
