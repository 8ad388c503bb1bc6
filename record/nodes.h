/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NUMA node layout of the machine, for the metadata of a --paddr recording (design note 29):
 * report hot labels a physical range "node N, memory block M" from it.
 */
#ifndef RECORD_NODES_H
#define RECORD_NODES_H

#include <stdint.h>

/* Where /sys is, for tests (a fake tree); default /sys. */
#define REC_SYS_ROOT_ENV	"DAPROF_SYS_ROOT"

/*
 * rec_node_layout() - read @sys_root/devices/system/memory/block_size_bytes and the memoryM
 * links of @sys_root/devices/system/node/nodeN into @block_size and @layout, a string (the
 * caller frees) such as "0:0-15,32-47;1:16-31": per node, its memory block numbers as runs.
 * Return: 0, -ENOENT (no such tree, or no blocks), -EINVAL (a bad block size), -E2BIG, -ENOMEM.
 */
int rec_node_layout(const char *sys_root, uint64_t *block_size, char **layout);

#endif /* RECORD_NODES_H */
