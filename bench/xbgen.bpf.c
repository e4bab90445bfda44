// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Traffic generator, run by bpf_prog_test_run_opts(BPF_F_TEST_XDP_LIVE_FRAMES)
 * with ingress_ifindex = the sender's veth. XDP_TX there becomes a redirect
 * back out of that veth, i.e. ndo_xdp_xmit into its peer: the bridge port.
 * The frame template comes from user space; with churn set, every frame gets
 * the next source MAC of a rotating set (bytes 2..5 = index, big endian).
 * With alt_ifindex set too, every other pass over the set leaves through that
 * device instead (XDP redirect), so every frame is a station moving between
 * two bridge ports: a learning write per frame, in one test run.
 * With restore set, every frame first gets the template's first
 * XBGEN_RESTORE_LEN bytes back: live frames recycle their pages without
 * rewriting them, so a bridge that pushes or pops a VLAN tag in place would
 * otherwise be sent its own output again.
 * With reset_meta set, every frame leaves with exactly XBGEN_META_LEN bytes of
 * XDP metadata: a recycled frame keeps the metadata length the last program
 * that held it left in its xdp_frame (test_run resets the frame only when its
 * data pointer moved), so a bridge that writes metadata in front of a flood
 * and whose last copy is dropped or passed without removing it would find
 * more in front of each pass, until bpf_xdp_adjust_meta refuses (32 bytes).
 * Changing the context's metadata makes test_run rewrite the frame from it.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 churn = 0;	/* size of the rotating source MAC set; 0 = off */
const volatile __u32 churn_base = 0;	/* first index */
const volatile __u32 alt_ifindex = 0;	/* odd passes leave through this device */
const volatile __u32 churn_repeat = 1;	/* frames per source MAC before the next one */
#define XBGEN_RESTORE_LEN 20	/* MACs, a tag and the EtherType, with room to spare */
const volatile __u32 restore = 0;
const volatile __u8 template_hdr[XBGEN_RESTORE_LEN] = {};
#define XBGEN_META_LEN 4	/* not 0: only a changed context rewrites the frame */
const volatile __u32 reset_meta = 0;

__u32 next_idx;
__u32 pass;
__u32 repeated;

SEC("xdp")
int xbgen(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;
	__u32 idx;

	if (reset_meta &&
	    bpf_xdp_adjust_meta(ctx, (int)(ctx->data - ctx->data_meta) - XBGEN_META_LEN))
		return XDP_ABORTED;
	if (restore) {
		if ((void *)eth + XBGEN_RESTORE_LEN > data_end)
			return XDP_ABORTED;
		/* Read as volatile: a plain copy of the zero-initialized
		 * constant would be folded to zeros at compile time. */
#pragma unroll
		for (int i = 0; i < XBGEN_RESTORE_LEN; i++)
			((__u8 *)eth)[i] = template_hdr[i];
	}
	if (churn) {
		if ((void *)(eth + 1) > data_end)
			return XDP_ABORTED;
		idx = churn_base + next_idx;
		if (++repeated < churn_repeat)
			goto set;
		repeated = 0;
		if (++next_idx >= churn) {
			next_idx = 0;
			pass ^= 1;
		}
set:
		eth->h_source[2] = idx >> 24;
		eth->h_source[3] = idx >> 16;
		eth->h_source[4] = idx >> 8;
		eth->h_source[5] = idx;
		if (alt_ifindex && pass)
			return bpf_redirect(alt_ifindex, 0);
	}
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
