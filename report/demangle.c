// SPDX-License-Identifier: GPL-2.0
/*
 * Demangling C++ names of code (report/demangle.h). daprof is a C program and does not link
 * the C++ runtime for this one function: __cxa_demangle() is looked up in libstdc++ at the
 * first C++ name, once per process. Where that fails (no libstdc++, a static build), names stay
 * mangled, which is still correct, only harder to read.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/demangle.h"

typedef char *(*cxa_demangle_fn)(const char *mangled, char *buf, size_t *len, int *status);

static cxa_demangle_fn cxa_demangle;
static pthread_once_t cxa_once = PTHREAD_ONCE_INIT;

static void load_demangler(void)
{
	void *h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);

	/* a demangler already in the process (a C++ library of ours or of a dependency) will do */
	cxa_demangle = (cxa_demangle_fn)dlsym(h ? h : RTLD_DEFAULT, "__cxa_demangle");
}

int demangle_name(const char *name, char *out, size_t len)
{
	char *d = NULL;
	int status = -1;

	if (!len)
		return 0;
	/* "_Z" starts every mangled C++ name (Itanium ABI); glibc's and C's names never do */
	if (!strncmp(name, "_Z", 2)) {
		pthread_once(&cxa_once, load_demangler);
		if (cxa_demangle)
			d = cxa_demangle(name, NULL, NULL, &status);
	}
	snprintf(out, len, "%s", d && !status ? d : name);
	free(d);
	return d && !status;
}
