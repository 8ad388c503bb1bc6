// SPDX-License-Identifier: GPL-2.0
/*
 * The DWARF side of the symbolizer: every variable with static storage (a DW_OP_addr location),
 * globals, file-scope statics and the statics of functions (named "function::name"), with its
 * compilation unit, size and type name ("struct entry[65536]"). Built once per ELF file, on the
 * first address that falls in it, because most files of a process are never asked about.
 * The input may be hostile: walks are bounded in depth and in count.
 */
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/symbols-priv.h"

#define MAX_DIE_DEPTH	32
#define MAX_TYPE_DEPTH	12
#define MAX_VARS	(4u << 20)

struct var_walk {
	struct sym_elf *e;
	size_t alloc;
	size_t names_alloc;
	const char *cu;
	int err;
};

static char *keep(struct var_walk *w, char *s)
{
	if (!s) {
		w->err = -ENOMEM;
		return NULL;
	}
	if (w->e->nr_var_names == w->names_alloc) {
		size_t na = w->names_alloc ? w->names_alloc * 2 : 256;
		char **v = realloc(w->e->var_names, na * sizeof(*v));

		if (!v) {
			free(s);
			w->err = -ENOMEM;
			return NULL;
		}
		w->e->var_names = v;
		w->names_alloc = na;
	}
	w->e->var_names[w->e->nr_var_names++] = s;
	return s;
}

static void append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, "%s", s);
}

/* Array dimensions of @die (a DW_TAG_array_type) appended as "[N][M]". */
static void array_dims(Dwarf_Die *die, char *buf, size_t len)
{
	Dwarf_Die child;
	int n = 0;

	if (dwarf_child(die, &child) != 0)
		return;
	do {
		Dwarf_Attribute a;
		Dwarf_Word v;
		char dim[32] = "[]";

		if (dwarf_tag(&child) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr_integrate(&child, DW_AT_count, &a) && !dwarf_formudata(&a, &v))
			snprintf(dim, sizeof(dim), "[%llu]", (unsigned long long)v);
		else if (dwarf_attr_integrate(&child, DW_AT_upper_bound, &a) &&
			 !dwarf_formudata(&a, &v) && v + 1 != 0)
			snprintf(dim, sizeof(dim), "[%llu]", (unsigned long long)v + 1);
		append(buf, len, dim);
	} while (++n < 16 && dwarf_siblingof(&child, &child) == 0);
}

static int type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out) ? 0 : -1;
}

/*
 * The C name of type @die into @buf: "int", "struct entry", "const char *", "char[4096]". A
 * declarator is written after its base ("struct entry *[8]" reads as C would print it only for
 * the common shapes; that is enough for a label).
 */
static void type_name(Dwarf_Die *die, char *buf, size_t len, int depth)
{
	Dwarf_Die next;
	const char *name = dwarf_diename(die);
	int has_next;

	if (depth > MAX_TYPE_DEPTH) {
		append(buf, len, "...");
		return;
	}
	has_next = type_of(die, &next) == 0;
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
	case DW_TAG_unspecified_type:
		append(buf, len, name ? name : "?");
		return;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		append(buf, len, dwarf_tag(die) == DW_TAG_union_type ? "union " :
		       dwarf_tag(die) == DW_TAG_enumeration_type ? "enum " :
		       dwarf_tag(die) == DW_TAG_class_type ? "class " : "struct ");
		append(buf, len, name ? name : "{...}");
		return;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		int tag = dwarf_tag(die);

		if (has_next && dwarf_tag(&next) == DW_TAG_array_type) {
			/* a qualified array is an array of qualified elements, which say so */
			type_name(&next, buf, len, depth + 1);
			return;
		}
		if (has_next && dwarf_tag(&next) == DW_TAG_pointer_type) {
			/* "char *const": the qualifier follows the pointer it qualifies */
			type_name(&next, buf, len, depth + 1);
			append(buf, len, tag == DW_TAG_const_type ? "const" :
			       tag == DW_TAG_volatile_type ? "volatile" :
			       tag == DW_TAG_restrict_type ? "restrict" : "_Atomic");
			return;
		}
		append(buf, len, tag == DW_TAG_const_type ? "const " :
		       tag == DW_TAG_volatile_type ? "volatile " :
		       tag == DW_TAG_restrict_type ? "restrict " : "_Atomic ");
		if (has_next)
			type_name(&next, buf, len, depth + 1);
		else
			append(buf, len, "void");
		return;
	}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		if (has_next)
			type_name(&next, buf, len, depth + 1);
		else
			append(buf, len, "void");
		append(buf, len, dwarf_tag(die) == DW_TAG_pointer_type ? " *" :
		       dwarf_tag(die) == DW_TAG_reference_type ? " &" : " &&");
		return;
	case DW_TAG_array_type:
		if (has_next)
			type_name(&next, buf, len, depth + 1);
		else
			append(buf, len, "?");
		array_dims(die, buf, len);
		return;
	case DW_TAG_subroutine_type:
		append(buf, len, "function");
		return;
	default:
		append(buf, len, name ? name : "?");
	}
}

/* The static address of variable @die: its location is one DW_OP_addr. */
static int static_address(Dwarf_Die *die, Dwarf_Addr *addr)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t nops;

	if (!dwarf_attr(die, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &nops) != 0 ||
	    nops != 1)
		return -1;
	if (ops[0].atom == DW_OP_addr) {
		*addr = ops[0].number;
		return 0;
	}
	return -1;
}

/*
 * The C++ scope of a definition made outside its declaration's scope: a static data member
 * ("char Cache::slots[...]"), a namespace's variable or a member function, whose DIE at the
 * top of the CU points with DW_AT_specification (or DW_AT_abstract_origin) at the declaration
 * inside its namespaces and classes. Writes "ns::Class" into @buf; 0, or -1 when there is none.
 */
static int declared_scope(Dwarf_Die *die, char *buf, size_t len)
{
	Dwarf_Attribute a;
	Dwarf_Die decl, *scopes = NULL;
	int n;

	buf[0] = '\0';
	if (!(dwarf_attr(die, DW_AT_specification, &a) || dwarf_attr(die, DW_AT_abstract_origin, &a)) ||
	    !dwarf_formref_die(&a, &decl))
		return -1;
	n = dwarf_getscopes_die(&decl, &scopes);
	/* scopes[0] is the declaration itself, scopes[n - 1] its compilation unit */
	for (int i = n - 2; i >= 1 && i < MAX_DIE_DEPTH; i--) {
		const char *name;

		switch (dwarf_tag(&scopes[i])) {
		case DW_TAG_namespace:
		case DW_TAG_class_type:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
		case DW_TAG_subprogram:
			name = dwarf_diename(&scopes[i]);
			if (buf[0])
				append(buf, len, "::");
			append(buf, len, name ? name : dwarf_tag(&scopes[i]) == DW_TAG_namespace ?
			       "(anonymous namespace)" : "?");
			break;
		}
	}
	free(scopes);
	return buf[0] ? 0 : -1;
}

static void add_var(struct var_walk *w, Dwarf_Die *die, const char *scope)
{
	char declared[256];

	Dwarf_Attribute a;
	Dwarf_Addr addr;
	Dwarf_Die type;
	Dwarf_Word size = 0;
	const char *name;
	char full[512], tname[128] = "";
	struct sym_entry *v;
	char *n, *t = NULL;

	if (static_address(die, &addr) || !addr)
		return;
	name = dwarf_attr_integrate(die, DW_AT_name, &a) ? dwarf_formstring(&a) : NULL;
	if (!name || !*name)
		return;
	if (type_of(die, &type) == 0) {
		type_name(&type, tname, sizeof(tname), 0);
		if (dwarf_aggregate_size(&type, &size) != 0)
			size = 0;
	}
	if (w->e->nr_vars >= MAX_VARS)
		return;
	if (!scope && !declared_scope(die, declared, sizeof(declared)))
		scope = declared;
	if (w->e->nr_vars == w->alloc) {
		size_t na = w->alloc ? w->alloc * 2 : 256;

		v = realloc(w->e->vars, na * sizeof(*v));
		if (!v) {
			w->err = -ENOMEM;
			return;
		}
		w->e->vars = v;
		w->alloc = na;
	}
	snprintf(full, sizeof(full), "%s%s%s", scope ? scope : "", scope ? "::" : "", name);
	n = keep(w, strdup(full));
	if (n && tname[0])
		t = keep(w, strdup(tname));
	if (w->err)
		return;
	w->e->vars[w->e->nr_vars++] = (struct sym_entry){
		.addr = addr, .size = size, .name = n, .cu = w->cu, .type = t ? t : "",
		.kind = SYM_OBJECT,
	};
}

/* Walks the children of @parent; @scope names the enclosing function or namespace. */
static void walk(struct var_walk *w, Dwarf_Die *parent, const char *scope, int depth,
		 size_t *budget)
{
	Dwarf_Die child;

	if (depth > MAX_DIE_DEPTH || dwarf_child(parent, &child) != 0)
		return;
	do {
		char inner[256];
		const char *name;

		if (!*budget || w->err)
			return;
		--*budget;
		switch (dwarf_tag(&child)) {
		case DW_TAG_variable:
			add_var(w, &child, scope);
			break;
		case DW_TAG_subprogram:
		case DW_TAG_namespace:
		case DW_TAG_structure_type:
		case DW_TAG_class_type:
			name = dwarf_diename(&child);
			if (!name) {
				Dwarf_Attribute a;

				name = dwarf_attr_integrate(&child, DW_AT_name, &a) ?
				       dwarf_formstring(&a) : NULL;
			}
			if (!scope && dwarf_tag(&child) == DW_TAG_subprogram &&
			    !declared_scope(&child, inner, sizeof(inner))) {
				append(inner, sizeof(inner), "::");	/* Class::function */
				append(inner, sizeof(inner), name ? name : "?");
			} else {
				snprintf(inner, sizeof(inner), "%s%s%s", scope ? scope : "",
					 scope ? "::" : "", name ? name : "?");
			}
			walk(w, &child, inner, depth + 1, budget);
			break;
		case DW_TAG_lexical_block:
			walk(w, &child, scope, depth + 1, budget);
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int cmp_var(const void *a, const void *b)
{
	const struct sym_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (y->size > x->size) - (y->size < x->size);	/* the larger first */
}

int sym_elf_load_vars(struct sym_elf *e)
{
	struct var_walk w = { .e = e };
	Dwarf_Off off = 0, next;
	size_t hsize, budget = 50u << 20;
	Elf *src = e->dbg ? e->dbg : e->elf;

	if (e->vars_loaded)
		return 0;
	e->vars_loaded = 1;
	if (!src)
		return 0;
	e->dw = dwarf_begin_elf(src, DWARF_C_READ, NULL);
	if (!e->dw && e->dbg)
		e->dw = dwarf_begin_elf(e->elf, DWARF_C_READ, NULL);
	if (!e->dw)
		return 0;
	while (!w.err && budget && dwarf_nextcu(e->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(e->dw, off + hsize, &cu)) {
			w.cu = dwarf_diename(&cu);
			walk(&w, &cu, NULL, 0, &budget);
		}
		if (next <= off)
			break;
		off = next;
	}
	if (w.err)
		return w.err;
	if (e->nr_vars > 1) {
		size_t out = 0;

		qsort(e->vars, e->nr_vars, sizeof(*e->vars), cmp_var);
		for (size_t i = 0; i < e->nr_vars; i++)	/* a declaration and its definition */
			if (!out || e->vars[out - 1].addr != e->vars[i].addr)
				e->vars[out++] = e->vars[i];
		e->nr_vars = out;
	}
	return sym_index(e->vars, e->nr_vars, &e->var_addrs);
}

const char *sym_elf_cu_of(struct sym_elf *e, uint64_t vaddr)
{
	Dwarf_Die cu;

	if (!e->dw || !dwarf_addrdie(e->dw, vaddr, &cu))
		return NULL;
	return dwarf_diename(&cu);
}

int sym_elf_line(struct sym_elf *e, uint64_t vaddr, char *file, size_t len, int *line)
{
	Dwarf_Die cu;
	Dwarf_Line *l;
	const char *src, *slash;

	if (!e->dw || !dwarf_addrdie(e->dw, vaddr, &cu))
		return 0;
	l = dwarf_getsrc_die(&cu, vaddr);
	if (!l || dwarf_lineno(l, line) || !(src = dwarf_linesrc(l, NULL, NULL)))
		return 0;
	slash = strrchr(src, '/');
	snprintf(file, len, "%s", slash ? slash + 1 : src);
	return 1;
}
