// SPDX-License-Identifier: GPL-2.0
/*
 * The payload of an INTERVALS chunk (daprof-data.5, "INTERVALS chunk"): the changes of a
 * recording's monitoring intervals and region bounds, so that reports scale each snapshot by the
 * intervals it was taken with, not the metadata's. Kept apart from codec.c, as heap.c is: it
 * shares nothing with the snapshot coding but the varints. Each change is coded alone (a count
 * of fields, then the fields) so that the reader iterates a chunk without allocating, a later
 * minor version can append fields, and a damaged change costs only the rest of its chunk. The
 * decoder treats the payload as hostile: every value is checked against its range.
 */
#include "format/codec.h"

#define IV_FIELDS	8
#define IV_MAX_FIELDS	64	/* more is not what a writer makes */

const char *dpf_intervals_cause_name(unsigned cause)
{
	switch (cause) {
	case DPF_IV_START:
		return "start";
	case DPF_IV_BUDGET:
		return "budget";
	case DPF_IV_GOAL:
		return "goal";
	case DPF_IV_KERNEL:
		return "kernel";
	default:
		return "unknown";
	}
}

/* Values a writer may store and a reader accepts. */
static int intervals_valid(uint64_t target, uint64_t cause, uint64_t sample_us, uint64_t aggr_us,
			   uint64_t min_nr, uint64_t max_nr)
{
	return target <= UINT32_MAX && cause >= DPF_IV_START && cause <= DPF_IV_CAUSE_MAX &&
	       sample_us && aggr_us >= sample_us && min_nr <= max_nr && max_nr <= UINT32_MAX;
}

int dpf_encode_intervals(struct dpf_buf *out, const struct dpf_intervals *iv)
{
	const uint64_t f[IV_FIELDS] = {
		iv->target, iv->cause, iv->time_ns, iv->sample_us, iv->aggr_us, iv->update_us,
		iv->min_nr_regions, iv->max_nr_regions,
	};

	if (!intervals_valid(iv->target, iv->cause, iv->sample_us, iv->aggr_us,
			     iv->min_nr_regions, iv->max_nr_regions))
		return -EINVAL;
	dpf_buf_uvarint(out, IV_FIELDS);
	for (int i = 0; i < IV_FIELDS; i++)
		dpf_buf_uvarint(out, f[i]);
	return out->err;
}

int dpf_decode_intervals(struct dpf_cursor *in, struct dpf_intervals *iv)
{
	uint64_t nfields = cursor_uvarint(in), f[IV_FIELDS] = { 0 };

	if (in->err || nfields < IV_FIELDS || nfields > IV_MAX_FIELDS)
		return -EBADMSG;
	/* fields a later minor version appends are read and dropped */
	for (uint64_t i = 0; i < nfields; i++) {
		uint64_t v = cursor_uvarint(in);

		if (i < IV_FIELDS)
			f[i] = v;
	}
	if (in->err || !intervals_valid(f[0], f[1], f[3], f[4], f[6], f[7]))
		return -EBADMSG;
	memset(iv, 0, sizeof(*iv));
	iv->target = (uint32_t)f[0];
	iv->cause = (uint8_t)f[1];
	iv->time_ns = f[2];
	iv->sample_us = f[3];
	iv->aggr_us = f[4];
	iv->update_us = f[5];
	iv->min_nr_regions = (uint32_t)f[6];
	iv->max_nr_regions = (uint32_t)f[7];
	return 0;
}
