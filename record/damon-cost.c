// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel backend's cost: the kdamond's CPU time plus ours, per window for an asked budget's
 * controller and over the run for the metadata (record/damon-cost.h says why it is apart).
 */
#include "record/damon-cost.h"
#include "record/damon-sysfs.h"
#include "record/prim.h"

/* The kdamond's CPU time since the start, read again when it can be. */
static void read_kdamond(struct damon_cost *c)
{
	uint64_t kcpu;

	if (c->kcpu_ok && !damon_task_cpu_ns(c->kpid, &kcpu) && kcpu >= c->kcpu0_ns)
		c->kcpu_ns = kcpu - c->kcpu0_ns;
}

void damon_cost_start(struct damon_cost *c, pid_t kpid, uint64_t now_ns, uint32_t budget_bp,
		      const struct rec_intervals *iv, int controlled)
{
	*c = (struct damon_cost){ .kpid = kpid, .budget_bp = budget_bp, .start_ns = now_ns,
				  .win_at_ns = now_ns };
	c->self0_ns = c->win_self_ns = prim_cpu_ns();
	c->kcpu_ok = kpid > 0 && !damon_task_cpu_ns(kpid, &c->kcpu0_ns);
	if (budget_bp && controlled) {
		ovh_init(&c->ovh, iv, budget_bp, NULL);
		c->ovh_on = 1;
	}
}

int damon_cost_window(struct damon_cost *c, uint64_t now_ns, struct rec_intervals *out)
{
	uint64_t self = prim_cpu_ns(), before = c->kcpu_ns;
	struct ovh_input in = { .wall_ns = now_ns > c->win_at_ns ? now_ns - c->win_at_ns : 0 };

	read_kdamond(c);
	in.self_ns = c->kcpu_ns - before + (self > c->win_self_ns ? self - c->win_self_ns : 0);
	c->win_at_ns = now_ns;
	c->win_self_ns = self;
	if (!c->ovh_on || !in.wall_ns)
		return 0;
	return ovh_window(&c->ovh, &in, out);
}

void damon_cost_refused(struct damon_cost *c, const struct rec_intervals *in_force)
{
	c->refused++;
	c->ovh.cur = *in_force;
}

int damon_cost_describe(struct damon_cost *c, uint64_t now_ns, struct dpf_meta *m)
{
	uint64_t wall = now_ns > c->start_ns ? now_ns - c->start_ns : 0;
	uint64_t self = prim_cpu_ns();
	int err = 0;

	if (!c->start_ns || !wall)
		return 0;
	read_kdamond(c);
	self = self > c->self0_ns ? self - c->self0_ns : 0;
	if (c->kcpu_ok)
		err = dpf_meta_setf(m, "damon.kdamond_cpu_pct", "%.2f", 100.0 * c->kcpu_ns / wall);
	if (!err)
		err = dpf_meta_setf(m, "damon.recorder_cpu_pct", "%.2f", 100.0 * self / wall);
	if (!err)
		err = dpf_meta_setf(m, "overhead_self_pct", "%.2f",
				    100.0 * (c->kcpu_ns + self) / wall);
	if (!err && c->budget_bp)
		err = dpf_meta_setf(m, "overhead_budget_pct", "%.2f", c->budget_bp / 100.0);
	if (!err && c->ovh_on)
		err = dpf_meta_setf(m, "overhead_changes", "%u", c->ovh.changes);
	if (!err && c->refused)
		err = dpf_meta_setf(m, "damon.overhead_refused", "%llu",
				    (unsigned long long)c->refused);
	return err;
}
