/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C++ names of code, for the stacks of "report hot --by site": the Itanium C++ ABI's demangler
 * of the C++ runtime, loaded when first needed (record/heap-sites recordings of C programs
 * never load it, and a system without libstdc++ keeps the mangled names).
 */
#ifndef REPORT_DEMANGLE_H
#define REPORT_DEMANGLE_H

#include <stddef.h>

/*
 * demangle_name() - the readable form of symbol @name ("_ZN5Cache4fillEm" becomes
 * "Cache::fill(unsigned long)") into @out (@len bytes, cut to fit, always NUL-terminated).
 * A name that is not a mangled C++ name, or that the demangler rejects, is copied as it is.
 * Return: 1 demangled, 0 copied (also when no demangler is available).
 */
int demangle_name(const char *name, char *out, size_t len);

#endif /* REPORT_DEMANGLE_H */
