/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every type, constant and map layout shared by the XDP data path (bpf/) and
 * the loader (user/). Fixed-width types and explicit padding only: the same
 * bytes are read by the BPF program, by the loader and by `bpftool map dump`.
 */
#ifndef XDPBRIDGE_H
#define XDPBRIDGE_H

#include <linux/types.h>

#define XB_ETH_ALEN		6
#define XB_IFNAMSIZ		16
/*
 * Port capacity, fixed at load (--max-ports): every flooded frame walks all
 * slots of the flood devmap, so a bridge pays for the capacity it asks for.
 */
#define XB_DEFAULT_MAX_PORTS	64
#define XB_MAX_PORTS		1024	/* the most --max-ports allows */
#define XB_DEFAULT_FDB_SIZE	65536
#define XB_DEFAULT_AGEING_SEC	300	/* IEEE 802.1D default */
/* A learned entry is rewritten at most this often while its port is unchanged. */
#define XB_REFRESH_NS		1000000000ULL
/* How long a CPU trusts its xb_fdb_cache without asking the FDB again. */
#define XB_CACHE_NS		250000000ULL
#define XB_VLAN_NONE		0	/* VLAN id used until VLAN filtering exists */

/*
 * Rules the data path and user space must agree on, written once.
 * static inline and free of kernel or libc calls, so both sides compile them.
 */

/* Group (multicast or broadcast) address: the I/G bit. */
static inline int xb_mac_is_multicast(const __u8 *mac)
{
	return mac[0] & 1;
}

static inline int xb_mac_is_broadcast(const __u8 *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

static inline int xb_mac_is_zero(const __u8 *mac)
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* A station address: what a frame's source may be, what the FDB may hold. */
static inline int xb_mac_is_station(const __u8 *mac)
{
	return !xb_mac_is_multicast(mac) && !xb_mac_is_zero(mac);
}

/* 01:80:C2:00:00:00 .. 01:80:C2:00:00:0F: STP, pause, LACP, LLDP, 802.1X. */
static inline int xb_mac_is_link_local(const __u8 *mac)
{
	return mac[0] == 0x01 && mac[1] == 0x80 && mac[2] == 0xC2 &&
	       mac[3] == 0 && mac[4] == 0 && (mac[5] & 0xF0) == 0;
}

/*
 * Is something last seen at last_seen_ns older than max_age_ns at now_ns?
 * Signed: another CPU may stamp an entry after this CPU read its clock, so
 * last_seen can lie slightly in the future, which is "just seen", never
 * expired. Used for FDB expiry, cache TTLs and refresh intervals alike.
 */
static inline int xb_older_than(__u64 now_ns, __u64 last_seen_ns, __u64 max_age_ns)
{
	return (__s64)(now_ns - last_seen_ns) > (__s64)max_age_ns;
}

/* FDB key: MAC plus VLAN id, so VLAN filtering needs no new layout.
 * 8-byte aligned so the data path compares keys as one __u64. */
struct xb_fdb_key {
	__u8 mac[XB_ETH_ALEN];
	__u16 vlan;
} __attribute__((aligned(8)));

/* Learned entry (LRU hash "fdb"). */
struct xb_fdb_entry {
	__u32 ifindex;		/* port the MAC was last seen on */
	__u32 slot;		/* that port's slot: its key in "ports" */
	__u64 last_seen_ns;	/* bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC_COARSE */
	__u32 age_slot;		/* its record in "fdb_ages", or XB_AGE_NONE */
	__u32 pad;
};

/*
 * Ageing index (array "fdb_ages"): every learned station also has a record
 * {key, last_seen} in a flat table, so the ageing sweep reads sequential
 * memory instead of chasing every element of the FDB hash (~10x faster at
 * 1M entries; see docs/PERFORMANCE.md). A station's record sits in one of
 * two blocks chosen by hashing its key (xb_age_block_of), XB_AGE_WAYS records
 * per block; the table has at least twice as many records as the FDB has
 * entries, so both blocks are full only when the FDB is badly overfull.
 *
 * The FDB entry stays the truth: a record is a hint that its station may
 * have expired. The sweep checks the entry before deleting, frees records
 * whose entry is gone (evicted, flushed) or points elsewhere, and a station
 * whose record was lost claims a new one at its next refresh.
 */
#define XB_AGE_WAYS		16
#define XB_AGE_NONE		0xffffffffU	/* entry without a record: only a full walk ages it */

struct xb_age_record {
	struct xb_fdb_key key;	/* all zero: free (a zero MAC is never learned) */
	__u64 last_seen_ns;	/* mirrors the entry's, at most XB_REFRESH_NS behind */
};

struct xb_age_block {
	struct xb_age_record way[XB_AGE_WAYS];
};

/* Blocks for an FDB of fdb_size entries: a power of two holding >= 2x. */
static inline __u32 xb_age_blocks(__u32 fdb_size)
{
	__u64 want = ((__u64)fdb_size * 2 + XB_AGE_WAYS - 1) / XB_AGE_WAYS;
	__u32 blocks = 1;

	while (blocks < want && blocks < (1U << 30))
		blocks <<= 1;
	return blocks;
}

/*
 * The two candidate blocks of key (which: 0 or 1); mask is blocks - 1. The
 * key's 8 bytes go through splitmix64's finalizer, so every MAC byte moves
 * every block bit: sequential MACs (02:42:ac:11:00:01, ...) spread as well as
 * random ones even in a small table. The same in BPF and C. The key is copied,
 * not cast: a __u64 read of a struct breaks strict aliasing in C.
 */
static inline __u32 xb_age_block_of(const struct xb_fdb_key *key, __u32 mask, int which)
{
	__u64 k;
	__u32 b0, b1;

	__builtin_memcpy(&k, key, sizeof(k));
	k = (k ^ (k >> 30)) * 0xbf58476d1ce4e5b9ULL;
	k = (k ^ (k >> 27)) * 0x94d049bb133111ebULL;
	k ^= k >> 31;
	b0 = (__u32)k & mask;
	b1 = (__u32)(k >> 32) & mask;
	if (!which)
		return b0;
	return b1 == b0 ? b0 ^ (mask & 1) : b1;	/* distinct whenever there are two */
}

/*
 * Static entry (plain hash "fdb_static"): never evicted, never moved. A frame
 * from another port with its MAC as source is dropped (XB_DROP_MAC_HIJACK).
 * XB_FDB_LOCAL marks the bridge's own address (its host interface's MAC, on
 * the host port), which the loader installs and keeps in step with the
 * interface, as the Linux bridge's local entries; `fdb add ... static` adds
 * the others.
 */
struct xb_fdb_static {
	__u32 ifindex;
	__u32 slot;
	__u32 flags;		/* XB_FDB_* */
	__u32 pad;
};

#define XB_FDB_LOCAL	(1U << 0)	/* the host interface's own address */

/*
 * Learned stations per port (array "learn_count", BPF_F_MMAPABLE, key: port
 * slot; XB_LEARN_TOTAL: the whole bridge), for the learning limits
 * (xb_port_conf.max_learned, xb_config.max_learned). The data path adds on
 * every learn and move in, subtracts on every move out; an LRU eviction, an
 * ageing sweep or a user-space delete is not counted, so the loader re-syncs
 * the counts from a walk of the FDB after every sweep, with atomic adds of the
 * difference (no increment of the data path is lost). Between two re-syncs a
 * count is too high by the entries of that port evicted or removed since, and
 * off by at most the learns and moves on that port during the walk itself.
 */
#define XB_LEARN_TOTAL	XB_MAX_PORTS
#define XB_LEARN_SLOTS	(XB_MAX_PORTS + 1)

/* The per-port learning limit a port gets when it joins: a quarter of the
 * FDB. One port (an uplink to a bigger LAN) may hold a quarter of the
 * stations; a MAC flood on one port leaves three quarters to the others, and
 * it takes four flooding ports to fill the table. 0 (no limit) only for an FDB
 * too small to share. */
static inline __u32 xb_default_port_max_learned(__u32 fdb_size)
{
	return fdb_size / 4;
}

/* Bridge-wide settings (array "config", one element), read on every frame. */
struct xb_config {
	__u64 ageing_ns;	/* a learned entry older than this is unknown */
	__u32 static_count;	/* static entries but local ones; 0 lets the data */
				/* path look up a destination in "fdb" first */
	__u32 flags;		/* XB_CFG_* */
	__u32 fdb_generation;	/* bumped on every FDB change but a refresh: */
				/* invalidates every CPU's xb_fdb_cache */
	__u32 age_untracked;	/* bumped when a learned entry may lack its */
				/* "fdb_ages" record: the loader then walks the FDB */
	__u32 max_learned;	/* learned stations the bridge may hold; 0: no limit */
	__u16 vlan_proto;	/* XB_CFG_VLAN_FILTERING: ETH_P_8021Q or ETH_P_8021AD, host order */
	__u16 default_pvid;	/* PVID (untagged) a joining port gets; 0: none */
	__u32 pad;
};

/*
 * Per-CPU memory of the last source learned and the last destination found
 * (per-CPU array "fdb_cache"): frames of one flow arrive in bursts, and a hit
 * costs no hash lookup. An entry is trusted for at most XB_CACHE_NS and
 * only while config.fdb_generation is unchanged.
 */
struct xb_fdb_cache {
	struct xb_fdb_key src;
	__u32 src_ifindex;	/* 0: empty */
	__u32 src_generation;
	__u64 src_checked_ns;	/* when the FDB last confirmed src on src_ifindex */
	struct xb_fdb_key dst;
	__u32 dst_ifindex;	/* 0: empty */
	__u32 dst_slot;
	__u32 dst_generation;
	__u32 pad;
	__u64 dst_checked_ns;	/* when dst was looked up */
	__u64 dst_last_seen_ns;	/* its entry's last_seen then; 0 for a static entry */
};

#define XB_CFG_HOST_PORT	(1U << 0)	/* bridge owns a host veth pair */
/* Some port takes frames only as skbs (mode generic or tc: it may lack
 * ndo_xdp_xmit, and a devmap redirect to it, a broadcast one above all, is
 * dropped without a trace): XDP hands floods and frames for it to TC. */
#define XB_CFG_SKB_PORTS	(1U << 1)
#define XB_CFG_VLAN_FILTERING	(1U << 2)	/* 802.1Q bridge: "port_vlans" and PVIDs apply */
#define XB_CFG_STP		(1U << 3)	/* the control loop runs STP: BPDUs go up, port states apply */
/* Some port has a `port set` setting the ingress must look at (learning off,
 * isolated, storm control): only then does a frame pay for its port's
 * "port_conf" record. The loader keeps it in step with "port_conf". */
#define XB_CFG_PORT_POLICY	(1U << 4)
/* Floods are filtered per egress port (isolation, flood switches; VLAN
 * membership later): the XDP program writes a struct xb_xdp_meta in front
 * of a flooded frame and every "flood_ports" entry runs the egress program
 * (xdpbridge_egress), the TC flood walk asks xb_egress_allowed. Set only
 * while some port needs it: a default bridge's floods pay nothing. */
#define XB_CFG_EGRESS_FILTER	(1U << 5)
/* "fdb_static" holds a local entry (XB_FDB_LOCAL): a new or moving source is
 * checked there even while static_count is 0. A local MAC is never in "fdb",
 * so a destination found there needs no second lookup. */
#define XB_CFG_LOCAL		(1U << 6)

/*
 * Per-port settings the data path obeys (array "port_conf", key: slot).
 * User space writes them (`port set`, STP, VLAN); the data path only reads.
 * port_add writes the defaults: a zeroed record is an STP-disabled port.
 * Flags say what differs from the Linux bridge's defaults, so 0 is "as br0".
 */
struct xb_port_conf {
	__u32 flags;		/* XB_PCONF_* */
	__u32 stp_state;	/* enum xb_stp_state */
	__u32 max_learned;	/* stations learned on this port; 0: no limit */
	__u32 storm_bcast;	/* broadcast frames/s accepted in; 0: no limit */
	__u32 storm_mcast;	/* multicast frames/s */
	__u32 storm_unknown;	/* unknown unicast frames/s */
	__u16 pvid;		/* VLAN filtering: untagged frames' VID; 0: none (dropped) */
	__u16 pad16;
	__u32 pad;
};

#define XB_PCONF_ISOLATED	(1U << 0)	/* reaches only non-isolated ports */
#define XB_PCONF_NO_LEARNING	(1U << 1)	/* `learning off` */
#define XB_PCONF_NO_FLOOD	(1U << 2)	/* `flood off`: no unknown unicast out */
#define XB_PCONF_NO_MCAST_FLOOD	(1U << 3)	/* no multicast out */
#define XB_PCONF_NO_BCAST_FLOOD	(1U << 4)	/* no broadcast out */
#define XB_PCONF_BPDU_GUARD	(1U << 5)	/* a BPDU in disables the port */
#define XB_PCONF_ROOT_BLOCK	(1U << 6)	/* never becomes the root port */
/* Not a setting: port_add marks the host port, whose broadcast and multicast
 * ignore the other ports' mcast_flood / bcast_flood switches, as frames the
 * Linux bridge's own device sends do. */
#define XB_PCONF_HOST		(1U << 16)

/* Flags that filter floods per egress port (XB_CFG_EGRESS_FILTER). */
#define XB_PCONF_EGRESS_MASK	(XB_PCONF_ISOLATED | XB_PCONF_NO_FLOOD | \
				 XB_PCONF_NO_MCAST_FLOOD | XB_PCONF_NO_BCAST_FLOOD)
/* Flags the ingress looks at (XB_CFG_PORT_POLICY; storm limits too). */
#define XB_PCONF_INGRESS_MASK	(XB_PCONF_ISOLATED | XB_PCONF_NO_LEARNING)

/* What kind of flooded frame: the class the flood switches and storm
 * control name (broadcast, other multicast, unknown unicast). */
enum xb_frame_kind {
	XB_KIND_BCAST = 0,
	XB_KIND_MCAST = 1,
	XB_KIND_UNKNOWN = 2,
	XB_KIND_MAX,
};

/*
 * What the XDP program tells the devmap egress program about a flooded
 * frame, written in front of it with bpf_xdp_adjust_meta (4-byte aligned,
 * a multiple of 4 bytes long). magic tells it from metadata nobody wrote.
 */
#define XB_META_MAGIC		0xb1d9
struct xb_xdp_meta {
	__u16 magic;		/* XB_META_MAGIC */
	__u16 vid;		/* VLAN of the frame; 0 until VLAN filtering */
	__u16 in_slot;		/* the ingress port's slot */
	__u8 kind;		/* enum xb_frame_kind */
	__u8 pad;
};

/*
 * Storm control (struct xb_port_conf storm_*): per port and frame kind, a
 * per-CPU token bucket (per-CPU array "storm_buckets", key: slot) whose
 * credit is kept in nanoseconds, as the events bucket: a frame costs
 * 1e9 / rate ns, computed when the rate changes (no division per frame),
 * credit accrues with time up to XB_STORM_BURST_NS (a burst of rate / 10
 * frames, at least one). Each CPU has its own bucket: a port whose frames
 * arrive on k CPUs (RSS queues) may pass up to k times its limit.
 */
#define XB_STORM_BURST_NS	(100 * 1000000ULL)

struct xb_storm_class {
	__u64 credit_ns;
	__u64 last_ns;		/* when credit was last topped up */
	__u64 cost_ns;		/* 1e9 / rate, for rate */
	__u32 rate;		/* the limit cost_ns was computed for */
	__u32 pad;
};

struct xb_storm_bucket {
	struct xb_storm_class kind[XB_KIND_MAX];
};

/* A port's 802.1D state: the Linux bridge's BR_STATE_* values. */
enum xb_stp_state {
	XB_STP_DISABLED = 0,
	XB_STP_LISTENING = 1,
	XB_STP_LEARNING = 2,
	XB_STP_FORWARDING = 3,
	XB_STP_BLOCKING = 4,
};

/* VLAN membership of a port (array "port_vlans", key: slot): bit VID of
 * member[] says the port is in VLAN VID, of untagged[] that frames of that
 * VLAN leave it untagged. VIDs 1..4094. */
#define XB_VLAN_WORDS		(4096 / 64)
struct xb_port_vlans {
	__u64 member[XB_VLAN_WORDS];
	__u64 untagged[XB_VLAN_WORDS];
};

/* Port registry (hash "port_info", key ifindex): read by user space only.
 * A port's slot keys "port_stats", "ports" and "flood_ports". */
struct xb_port_info {
	char ifname[XB_IFNAMSIZ];
	__u32 flags;		/* XB_PORT_* */
	__u32 xdp_mode;		/* enum xb_xdp_mode */
	__u32 slot;		/* index into "port_stats"; the port program's port_slot */
	__u32 pad;
};

#define XB_PORT_HOST	(1U << 0)	/* the peer of the bridge's host interface */

/*
 * How a port is attached. native and generic run the XDP program and, behind
 * it, the TC program, which forwards what XDP hands to the skb path (frames
 * beyond an MTU: a guest's GSO super-frame). tc runs the TC program alone:
 * the port's peer keeps GSO/TSO, and tags and checksum state in skb metadata.
 */
enum xb_xdp_mode {
	XB_MODE_NATIVE = 0,
	XB_MODE_GENERIC = 1,
	XB_MODE_TC = 2,
};

/*
 * Per-slot port record for the skb path (array "port_slots", key: slot).
 * A TC program cannot redirect through a devmap, so the loader mirrors
 * "ports" (ifindex) and "flood_ports" (XB_SLOT_FLOOD) here.
 */
struct xb_port_slot {
	__u32 ifindex;		/* 0: free slot */
	__u32 flags;		/* XB_SLOT_* */
};

#define XB_SLOT_FLOOD	(1U << 0)	/* member of the flood domain */
/*
 * A veth whose peer lives in another netns: the TC program's unicast enters
 * the peer directly (bpf_redirect_peer), skipping the port's own transmit,
 * +5-10% TCP (PLATFORM.md). The port's tx counters and egress qdisc do not
 * see those frames.
 */
#define XB_SLOT_PEER	(1U << 1)
#define XB_SLOT_SKB	(1U << 2)	/* see XB_CFG_SKB_PORTS */

/*
 * The TC program's cls_bpf filter on a port's clsact ingress hook. It stays
 * attached when the loader exits (libbpf 1.1 has no TC bpf_link); detach,
 * unload and adoption find it again by this handle and priority.
 */
#define XB_TC_HANDLE	0xb1d9
#define XB_TC_PRIORITY	0xb1d9

/*
 * Frames up to this length fit every port with the standard MTU 1500 (plus
 * one VLAN tag, as the kernel's own redirect check allows): the XDP program
 * checks a port's MTU only for longer ones.
 */
#define XB_FRAME_STD_MAX	(1500 + 14 + 4)

/* Why a frame was dropped; indexes xb_port_stats.dropped[]. */
enum xb_drop_reason {
	XB_DROP_RUNT = 0,	/* shorter than an Ethernet header */
	XB_DROP_BAD_SRC,	/* multicast or all-zero source MAC */
	XB_DROP_REFLECT,	/* destination lives on the ingress port */
	XB_DROP_MAC_HIJACK,	/* source is a local or static entry of another port */
	XB_DROP_ISOLATED,	/* isolated port to isolated port */
	XB_DROP_STORM,		/* over the port's storm-control rate */
	XB_DROP_PORT_STATE,	/* STP: the port (in or out) is not forwarding */
	XB_DROP_VLAN_INGRESS,	/* VID the ingress port is not a member of */
	XB_DROP_VLAN_NO_PVID,	/* untagged or priority-tagged, port has no PVID */
	XB_DROP_VLAN_EGRESS,	/* known unicast to a port outside the VLAN */
	XB_DROP_PAUSE,		/* 802.3x pause (01:80:C2:00:00:01): never forwarded */
	XB_DROP_MAX,
};

/* Per-port, per-CPU counters (per-CPU array "port_stats", key: port slot). */
struct xb_port_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 forwarded;	/* known unicast redirected to one port */
	__u64 flooded;		/* broadcast, multicast or unknown unicast */
	__u64 to_host;		/* passed to this interface's own stack */
	__u64 dropped[XB_DROP_MAX];
	/*
	 * Not outcomes (each frame has one of the above): of the rx frames,
	 * how many the XDP program handed to the skb path (the TC program then
	 * counts their outcome); of the frames forwarded or flooded, how many
	 * copies the kernel dropped after the decision (MTU, port down, no
	 * ndo_xdp_xmit), seen by the xdp:xdp_redirect_err and
	 * xdp:xdp_devmap_xmit tracepoints.
	 */
	__u64 to_skb;
	__u64 kernel_dropped;
	/* FDB events this port's learning made that `monitor` never got: over
	 * the rate limit (XB_EVENTS_RATE) or the ring buffer was full. Per
	 * port, so a MAC flood shows where it comes from. */
	__u64 events_dropped;
	/* Bytes of the frames each outcome counter above counts (the frame's
	 * full length, fragments included, as rx_bytes): bits/s by class in
	 * `top`. dropped_bytes is every drop reason together; to_skb frames get
	 * theirs when the TC program counts their outcome. */
	__u64 forwarded_bytes;
	__u64 flooded_bytes;
	__u64 to_host_bytes;
	__u64 dropped_bytes;
	/* Not a drop: frames whose new source was not learned because the
	 * port or the bridge was at its learning limit (max_learned); the frame
	 * itself was forwarded or flooded. */
	__u64 learn_limit;
};

/*
 * One event of `xdpbridge monitor`. The control loop sends its own (ports,
 * sweeps) over the bridge's event socket (/run/xdpbridge/BRIDGE.events); the
 * data path writes learned and moved stations into the ring buffer "events"
 * (see README, "Events"). ifname, old_ifname and bridge are filled by user
 * space: the data path knows ifindexes only.
 */
enum xb_event_type {
	XB_EV_LEARNED = 1,	/* key learned on ifindex */
	XB_EV_MOVED,		/* key moved from old_ifindex to ifindex (MAC flapping) */
	XB_EV_AGED,		/* key expired on ifindex; count: entries a sweep removed */
	XB_EV_DELETED,		/* key gone for another reason (fdb del, evicted) */
	XB_EV_FLUSHED,		/* count entries flushed, on ifindex (0: every port) */
	XB_EV_PORT_ADDED,
	XB_EV_PORT_REMOVED,
	XB_EV_PORT_DOWN,	/* carrier lost */
	XB_EV_PORT_UP,
	XB_EV_PORT_SKIPPED,	/* an auto-port match could not join: error */
	XB_EV_LIMIT_HIT,	/* reserved for the data path: FDB full */
	XB_EV_STORM_START,	/* reserved for the data path */
	XB_EV_STORM_STOP,
	XB_EV_MAX,
};

struct xb_event {
	__u32 type;		/* enum xb_event_type */
	__u32 ifindex;
	__u32 old_ifindex;	/* XB_EV_MOVED */
	__u32 count;		/* XB_EV_AGED (a sweep), XB_EV_FLUSHED */
	__s32 error;		/* XB_EV_PORT_SKIPPED: -errno */
	__u32 flags;		/* XB_EVF_* */
	__u64 time_ns;		/* CLOCK_MONOTONIC_COARSE */
	struct xb_fdb_key key;	/* FDB events about one station */
	char ifname[XB_IFNAMSIZ];
	char old_ifname[XB_IFNAMSIZ];
	char bridge[XB_IFNAMSIZ];
};

/*
 * The data path's FDB events (learned, moved) go into the ring buffer
 * "events" (pinned; the control loop is its one consumer and relays them to
 * every `monitor`). Each CPU may write XB_EVENTS_RATE events per second with
 * bursts of XB_EVENTS_BURST: a token bucket whose credit is kept in
 * nanoseconds (an event costs XB_EVENT_COST_NS), so no division per frame.
 */
#define XB_EVENTS_RING_SIZE	(256 * 1024)	/* a power of two, >= a page */
#define XB_EVENTS_RATE		1000		/* events per second per CPU */
#define XB_EVENTS_BURST		64
#define XB_EVENT_COST_NS	(1000000000ULL / XB_EVENTS_RATE)

/* Per-CPU token bucket (per-CPU array "event_bucket", one element). */
struct xb_event_bucket {
	__u64 credit_ns;	/* at most XB_EVENTS_BURST * XB_EVENT_COST_NS */
	__u64 last_ns;		/* when credit was last topped up */
};

#define XB_EVF_KEY	(1U << 0)	/* key is set (per-station event) */
#define XB_EVF_STATIC	(1U << 1)	/* the entry is static */

#endif /* XDPBRIDGE_H */
