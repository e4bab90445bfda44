/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * One printing path for text and JSON, after iproute2's lib/json_print.c:
 * each field is printed once with a JSON key and a text format, so the two
 * outputs cannot drift apart.
 */
#ifndef XB_JSON_PRINT_H
#define XB_JSON_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum output_kind {
	PRINT_ANY,	/* both text and JSON */
	PRINT_TEXT,	/* text only */
	PRINT_JSON,	/* JSON only */
};

/* Start a document on `out` (stdout when NULL); JSON when json is true. */
void output_begin(FILE *out, bool json, bool pretty);
/* Finish the document: newline after the JSON value. */
void output_end(void);
bool output_is_json(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

void print_string(enum output_kind kind, const char *key, const char *fmt, const char *val);
void print_uint(enum output_kind kind, const char *key, const char *fmt, uint64_t val);
void print_bool(enum output_kind kind, const char *key, const char *fmt, bool val);
void print_null(enum output_kind kind, const char *key, const char *fmt);
/* Text-only newline; JSON ignores it. */
void print_nl(void);

/* Write s as a JSON string literal, escaped. */
void json_write_string(FILE *f, const char *s);

#endif
