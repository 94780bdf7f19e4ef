/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <boilerplate/list.h>: the process-private lists of Xenomai 3's
 * boilerplate API, as far as programs use them (the smokey test list
 * is one: pvlist_empty(&smokey_test_list), for_each_smokey_test()).
 *
 * A list is a circular doubly-linked chain of holders through a head
 * holder; an entry embeds a struct pvholder and is found back with
 * pvlist_entry() (container_of). Nothing here is shared between
 * processes (Xenomai's shared lists are not provided).
 */
#ifndef _RTDM_BOILERPLATE_LIST_H
#define _RTDM_BOILERPLATE_LIST_H

#include <stddef.h>

struct pvholder {
	struct pvholder *next;
	struct pvholder *prev;
};

struct pvlistobj {
	struct pvholder head;
};

#define PRIVATE_LIST_INITIALIZER(__name) \
	{ .head = { .next = &(__name).head, .prev = &(__name).head } }

#define DEFINE_PRIVATE_LIST(__name) \
	struct pvlistobj __name = PRIVATE_LIST_INITIALIZER(__name)

static inline void pvholder_init(struct pvholder *h)
{
	h->next = h;
	h->prev = h;
}

static inline void pvlist_init(struct pvlistobj *list)
{
	pvholder_init(&list->head);
}

/* Links h between prev and prev->next. */
static inline void atpvh(struct pvholder *prev, struct pvholder *h)
{
	h->prev = prev;
	h->next = prev->next;
	prev->next->prev = h;
	prev->next = h;
}

static inline void pvlist_prepend(struct pvholder *h, struct pvlistobj *list)
{
	atpvh(&list->head, h);
}

static inline void pvlist_append(struct pvholder *h, struct pvlistobj *list)
{
	atpvh(list->head.prev, h);
}

static inline void pvlist_remove(struct pvholder *h)
{
	h->prev->next = h->next;
	h->next->prev = h->prev;
}

static inline void pvlist_remove_init(struct pvholder *h)
{
	pvlist_remove(h);
	pvholder_init(h);
}

static inline int pvholder_linked(const struct pvholder *h)
{
	return h->next != h;
}

static inline int pvlist_empty(const struct pvlistobj *list)
{
	return list->head.next == &list->head;
}

static inline int pvlist_heading_p(const struct pvholder *h,
				   const struct pvlistobj *list)
{
	return list->head.next == h;
}

/* Moves every holder of src to the end of dst; src ends up empty. */
static inline void pvlist_join(struct pvlistobj *src, struct pvlistobj *dst)
{
	struct pvholder *first = src->head.next, *last = src->head.prev;

	if (pvlist_empty(src))
		return;
	first->prev = dst->head.prev;
	last->next = &dst->head;
	dst->head.prev->next = first;
	dst->head.prev = last;
	pvlist_init(src);
}

static inline struct pvholder *pvlist_pop(struct pvlistobj *list)
{
	struct pvholder *h = list->head.next;

	pvlist_remove_init(h);
	return h;
}

#define pvlist_entry(__h, __type, __member) \
	((__type *)((char *)(__h) - offsetof(__type, __member)))

#define pvlist_first_entry(__list, __type, __member) \
	pvlist_entry((__list)->head.next, __type, __member)

#define pvlist_last_entry(__list, __type, __member) \
	pvlist_entry((__list)->head.prev, __type, __member)

#define pvlist_pop_entry(__list, __type, __member) \
	pvlist_entry(pvlist_pop(__list), __type, __member)

#define pvlist_for_each(__h, __list) \
	for ((__h) = (__list)->head.next; (__h) != &(__list)->head; \
	     (__h) = (__h)->next)

#define pvlist_for_each_reverse(__h, __list) \
	for ((__h) = (__list)->head.prev; (__h) != &(__list)->head; \
	     (__h) = (__h)->prev)

#define pvlist_for_each_safe(__h, __tmp, __list) \
	for ((__h) = (__list)->head.next, (__tmp) = (__h)->next; \
	     (__h) != &(__list)->head; (__h) = (__tmp), (__tmp) = (__h)->next)

/* __pos: a pointer to the entry type; __member: its struct pvholder. */
#define pvlist_for_each_entry(__pos, __list, __member) \
	for ((__pos) = pvlist_entry((__list)->head.next, __typeof__(*(__pos)), __member); \
	     &(__pos)->__member != &(__list)->head; \
	     (__pos) = pvlist_entry((__pos)->__member.next, __typeof__(*(__pos)), __member))

#define pvlist_for_each_entry_reverse(__pos, __list, __member) \
	for ((__pos) = pvlist_entry((__list)->head.prev, __typeof__(*(__pos)), __member); \
	     &(__pos)->__member != &(__list)->head; \
	     (__pos) = pvlist_entry((__pos)->__member.prev, __typeof__(*(__pos)), __member))

/* The same, the current entry may be unlinked in the loop. */
#define pvlist_for_each_entry_safe(__pos, __tmp, __list, __member) \
	for ((__pos) = pvlist_entry((__list)->head.next, __typeof__(*(__pos)), __member), \
	     (__tmp) = pvlist_entry((__pos)->__member.next, __typeof__(*(__pos)), __member); \
	     &(__pos)->__member != &(__list)->head; \
	     (__pos) = (__tmp), \
	     (__tmp) = pvlist_entry((__pos)->__member.next, __typeof__(*(__pos)), __member))

#define pvlist_for_each_entry_reverse_safe(__pos, __tmp, __list, __member) \
	for ((__pos) = pvlist_entry((__list)->head.prev, __typeof__(*(__pos)), __member), \
	     (__tmp) = pvlist_entry((__pos)->__member.prev, __typeof__(*(__pos)), __member); \
	     &(__pos)->__member != &(__list)->head; \
	     (__pos) = (__tmp), \
	     (__tmp) = pvlist_entry((__pos)->__member.prev, __typeof__(*(__pos)), __member))

#endif /* _RTDM_BOILERPLATE_LIST_H */
