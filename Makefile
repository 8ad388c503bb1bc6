# daprof build. Sources are found by wildcard, so adding a file to a module folder, a unit test
# to tests/unit/, a CLI test to tests/cli/ or a fuzz target to tests/fuzz/ needs no edit here.
#
#   make            ./daprof
#   make check      every test, plain and again under ASan+UBSan (tests/run-tests.sh)
#   make demo       record the bundled demo workload and draw its heat map
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (default 60)
#   make bench      benchmark figures (not a test)
#   make install    PREFIX=/usr/local

VERSION := 0.1.0
PREFIX ?= /usr/local
CC ?= cc
PKGS := libelf libdw zlib libpng yajl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# O= names the build folder; SANITIZE=1 builds the ASan+UBSan variant there.
O ?= build/plain
WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wformat=2 -Wstrict-prototypes -Wno-format-truncation
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -I. $(WARN) $(PKG_CFLAGS) -DDAPROF_VERSION='"$(VERSION)"'
ifeq ($(SANITIZE),1)
OPT_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
else
OPT_CFLAGS := -O2 -g
endif
CFLAGS ?= $(OPT_CFLAGS)
ALL_CFLAGS := $(BASE_CFLAGS) $(CFLAGS) -MMD -MP
LIBS := $(PKG_LIBS) -lm

LIB_SRCS := $(sort $(wildcard format/*.c record/*.c report/*.c viz/*.c))
CMD_SRCS := $(sort $(wildcard cmd/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(O)/%.o)
LIB := $(O)/libdaprof.a

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(O)/tests/unit/%)
WORKLOAD_SRCS := $(sort $(wildcard tests/workloads/*.c))
WORKLOAD_BINS := $(WORKLOAD_SRCS:tests/workloads/%.c=$(O)/tests/workloads/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz-*.c))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
FAKE_DAMON_SRCS := $(sort $(wildcard tests/tools/fake-damon/*.c))
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(O)/tests/tools/%) $(O)/tests/tools/fake-damon
BENCH_SRCS := $(sort $(wildcard tests/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(O)/tests/bench/%)

ifeq ($(O),build/plain)
BIN := daprof
else
BIN := $(O)/daprof
endif
# The heap-site preload library lives beside the program, which looks for it there
# (record/heap-sites.c); installed, in $(PREFIX)/lib/daprof.
HEAP_LIB := $(dir $(BIN))libdaprof-heap.so
HEAP_SRCS := $(sort $(wildcard record/heap/*.c))
# libunwind's cached unwinder when installed (libunwind-dev), else libgcc's
HEAP_UNWIND := $(shell pkg-config --exists libunwind 2>/dev/null && echo 1)
HEAP_UNWIND_FLAGS := $(if $(HEAP_UNWIND),-DHEAP_LIBUNWIND $(shell pkg-config --cflags libunwind))
HEAP_UNWIND_LIBS := $(if $(HEAP_UNWIND),$(shell pkg-config --libs libunwind),-lgcc_s)
# No branch of the library crosses or ends on a 32-byte boundary (when the assembler can do it):
# on Intel cores since Skylake such a branch is not kept in the decoded-instruction cache (the
# JCC erratum's microcode update), and where the linker happened to put free()'s jump to the
# real free across one, the interposed malloc/free loop ran 7 % slower (design note 53).
HEAP_ALIGN_BRANCHES := $(shell $(CC) -Wa,-malign-branch-boundary=32,-malign-branch=jcc+fused+jmp+indirect+call+ret -x c -c /dev/null -o /dev/null 2>/dev/null && echo -Wa,-malign-branch-boundary=32,-malign-branch=jcc+fused+jmp+indirect+call+ret)

.PHONY: all deps check demo fuzz bench install check-layers check-comments test-bins clean
all: $(BIN) $(HEAP_LIB)

$(BIN): $(CMD_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CMD_OBJS) $(LIB) $(LIBS)

# The preload library runs inside the recorded program: never sanitized (the program is not),
# only its own sources and headers (record/heap/proto.h, ring.h), and the C library, libm and an
# unwinder.
$(HEAP_LIB): $(HEAP_SRCS) $(wildcard record/heap/*.h)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE -I. $(WARN) $(HEAP_UNWIND_FLAGS) $(HEAP_ALIGN_BRANCHES) -O2 -g -fPIC -shared \
		-fvisibility=hidden -Wl,-z,nodelete -o $@ $(HEAP_SRCS) -ldl -lm $(HEAP_UNWIND_LIBS) \
		-pthread

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LIBS) -lcmocka

# Workloads are plain programs with known access patterns; they never link daprof code.
$(O)/tests/workloads/%: tests/workloads/%.c tests/workloads/publish.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -pthread -o $@ $< -lm

# ... but for this one, which stands for a program whose C library is not mapped yet
$(O)/tests/workloads/nolibc-exec: tests/workloads/nolibc-exec.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -static -nostdlib -fno-stack-protector \
		-fno-pie -no-pie -o $@ $<

$(O)/tests/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LIBS)

# fake-damon is a folder (the model and the FUSE front end), built in one step like the other
# tools; its header is listed by hand, as one gcc -MMD run over several sources tracks only one.
$(O)/tests/tools/fake-damon: $(FAKE_DAMON_SRCS) $(wildcard tests/tools/fake-damon/*.h) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $(FAKE_DAMON_SRCS) $(LIB) $(LIBS)

$(O)/tests/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LIBS)

# Fixtures of tests/unit/report-symbols.c: one program built every way a symbolizer meets one
# (PIE, non-PIE, stripped, debug info split to a build-id folder or named by .gnu_debuglink,
# rebuilt with another build-id) and a library it dlopens. They never link daprof code.
SYMFIX := $(O)/tests/symbols
SYMFIX_BINS := $(SYMFIX)/libsym.so $(SYMFIX)/prog-pie $(SYMFIX)/prog-nopie $(SYMFIX)/prog-rebuilt \
	$(SYMFIX)/prog-stripped $(SYMFIX)/prog-split $(SYMFIX)/prog-linked
SYMFIX_CC := $(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wl,--build-id

$(SYMFIX)/libsym.so: tests/symbols/lib.c
	@mkdir -p $(@D)
	$(SYMFIX_CC) -fPIC -shared -o $@ $<

$(SYMFIX)/prog-pie: tests/symbols/prog.c
	@mkdir -p $(@D)
	$(SYMFIX_CC) -fPIE -pie -o $@ $< -ldl -pthread

$(SYMFIX)/prog-nopie: tests/symbols/prog.c
	@mkdir -p $(@D)
	$(SYMFIX_CC) -fno-pie -no-pie -o $@ $< -ldl -pthread

$(SYMFIX)/prog-rebuilt: tests/symbols/prog.c
	@mkdir -p $(@D)
	$(SYMFIX_CC) -DREBUILT -fPIE -pie -o $@ $< -ldl -pthread

$(SYMFIX)/prog-stripped: $(SYMFIX)/prog-pie
	strip --strip-all -o $@ $<

# the debug file goes only to debug/.build-id/xx/yyyy.debug, so that nothing else can find it
$(SYMFIX)/prog-split: $(SYMFIX)/prog-pie
	objcopy --only-keep-debug $< $@.debug
	objcopy --strip-all --add-gnu-debuglink=$@.debug $< $@
	id=$$(readelf -n $< | sed -n 's/.*Build ID: *//p'); \
	d=$(SYMFIX)/debug/.build-id/$$(echo $$id | cut -c1-2); mkdir -p $$d && \
	mv $@.debug $$d/$$(echo $$id | cut -c3-).debug

# found by its .gnu_debuglink name in .debug/ beside it
$(SYMFIX)/prog-linked: $(SYMFIX)/prog-pie
	@mkdir -p $(SYMFIX)/.debug
	objcopy --only-keep-debug $< $(SYMFIX)/.debug/prog-linked.debug
	cd $(SYMFIX)/.debug && objcopy --strip-all --add-gnu-debuglink=prog-linked.debug ../prog-pie ../prog-linked

test-bins: $(BIN) $(HEAP_LIB) $(UNIT_BINS) $(WORKLOAD_BINS) $(TOOL_BINS) $(BENCH_BINS) $(SYMFIX_BINS)

# Layering: cmd -> report -> {viz, format}; cmd -> record -> format; viz and format include
# nothing of ours above them (viz knows nothing of profiling, not even format/).
check-layers:
	@! grep -n '#include "\(cmd\|record\|report\|viz\)/' format/*.[ch] || { echo 'format/ must not include upper layers'; exit 1; }
	@! grep -n '#include "\(cmd\|record\|report\|format\)/' viz/*.[ch] 2>/dev/null || { echo 'viz/ must stay independent'; exit 1; }
	@! grep -n '#include "\(cmd\|report\|viz\)/' record/*.[ch] 2>/dev/null || { echo 'record/ may use only format/'; exit 1; }
	@! grep -n '#include "\(cmd\|record\)/' report/*.[ch] 2>/dev/null || { echo 'report/ may use only viz/ and format/'; exit 1; }
	@! grep -n '#include "' record/heap/*.[ch] | grep -v '"record/heap/[a-z-]*\.h"' || { echo 'record/heap/ (the preload library) may use only record/heap/*.h'; exit 1; }
	@! grep -ln '<png.h>' $$(ls */*.[ch] | grep -v '^viz/png.c$$') || { echo 'only viz/png.c includes png.h'; exit 1; }
	@! grep -nE $(FOREIGN_NAME_DEFS) $(OUR_C_SRCS) || { echo 'a name we define is in the namespace of libelf/libdw'; exit 1; }
	@echo 'layers: ok'

# A dependency's namespace is its own: a name we define at file scope (a function, variable or
# typedef: a line that starts in column 0 and names it before "(", "=", ";" or "["), a struct,
# union or enum tag, or a macro never starts with libelf's or libdw's prefixes.
FOREIGN_PFX := ((elf|elf32|elf64|gelf|dwarf|dwfl|dwelf)_[A-Za-z0-9_]*|(Elf|Elf32|Elf64|GElf|Dwarf|Dwfl|Dwelf)(_[A-Za-z0-9_]*)?)
FOREIGN_NAME_DEFS := '^[A-Za-z_].*\b$(FOREIGN_PFX)[[:space:]]*[(=;[]|^[[:space:]]*\#[[:space:]]*define[[:space:]]+$(FOREIGN_PFX)\b|\b(struct|union|enum)[[:space:]]+$(FOREIGN_PFX)[[:space:]]*\{'
OUR_C_SRCS = $(wildcard cmd/*.[ch] format/*.[ch] record/*.[ch] record/heap/*.[ch] report/*.[ch] viz/*.[ch] tests/*/*.[ch] tests/*/*/*.[ch])

# Every file a comment names exists in the tree (tests/check-comments.sh says what counts).
check-comments:
	@tests/check-comments.sh

deps:
	@tests/deps.sh

check: deps
	@tests/run-tests.sh

demo: deps
	@$(MAKE) --no-print-directory $(BIN) test-bins >/dev/null
	@tests/demo.sh

fuzz: deps
	@tests/fuzz/run.sh build $${FUZZ_SECONDS:-60}

bench: deps
	@$(MAKE) --no-print-directory $(BIN) test-bins >/dev/null
	@tests/bench/run.sh

install: $(BIN) $(HEAP_LIB)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/daprof $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/daprof
	install -m 644 $(HEAP_LIB) $(DESTDIR)$(PREFIX)/lib/daprof/libdaprof-heap.so
	install -m 644 Documentation/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 Documentation/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 Documentation/*.7 $(DESTDIR)$(PREFIX)/share/man/man7/

clean:
	rm -rf build daprof libdaprof-heap.so

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d) $(UNIT_BINS:=.d)

# ---- static programs for the real-kernel tests (tests/kernel/run.sh) ----------------------
# The qemu guest has no shared libraries, so its programs link statically. The driver
# (tests/kernel/guest-damon.c) needs only format/ and record/ code (+ zlib, yajl); the static
# daprof needs the static archives of every library (libdw's pull in bz2 and lzma). The
# workloads link nothing of ours. "make static-guest" builds the driver and the workload,
# "make build/static/daprof" the whole program (optional for the tests).
STATIC_O := build/static
STATIC_GUEST_OBJS := $(patsubst %.c,$(STATIC_O)/%.o,$(sort $(wildcard format/*.c record/*.c)))
STATIC_LIB_OBJS := $(patsubst %.c,$(STATIC_O)/%.o,$(sort $(wildcard format/*.c record/*.c report/*.c viz/*.c)))
STATIC_CMD_OBJS := $(patsubst %.c,$(STATIC_O)/%.o,$(sort $(wildcard cmd/*.c)))
STATIC_BINS := $(STATIC_O)/guest-damon $(STATIC_O)/hotcold-guest

.PHONY: static-guest
static-guest: $(STATIC_BINS)

$(STATIC_LIB_OBJS) $(STATIC_CMD_OBJS): $(STATIC_O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O2 -g -MMD -MP -c -o $@ $<

-include $(STATIC_LIB_OBJS:.o=.d) $(STATIC_CMD_OBJS:.o=.d)

$(STATIC_O)/libguest.a: $(STATIC_GUEST_OBJS)
	rm -f $@
	ar rcs $@ $^

$(STATIC_O)/libdaprof.a: $(STATIC_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(STATIC_O)/guest-damon: tests/kernel/guest-damon.c $(STATIC_O)/libguest.a
	$(CC) $(BASE_CFLAGS) -O2 -static -o $@ $< $(STATIC_O)/libguest.a -lyajl_s -lz -lm -pthread

$(STATIC_O)/daprof: $(STATIC_CMD_OBJS) $(STATIC_O)/libdaprof.a
	$(CC) -static -o $@ $(STATIC_CMD_OBJS) $(STATIC_O)/libdaprof.a -ldw -lelf -lbz2 -llzma -lz \
		-lpng16 -lyajl_s -lm -pthread

$(STATIC_O)/hotcold-guest: tests/kernel/hotcold-guest.c
	$(CC) -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -static -o $@ $<
