// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <inttypes.h>
#include <string.h>

#include "json_print.h"

#define MAX_DEPTH 16

static FILE *out_file;
static bool out_json, out_pretty;
static int depth;
static bool need_comma[MAX_DEPTH];

void output_begin(FILE *out, bool json, bool pretty)
{
	out_file = out ? out : stdout;
	out_json = json || pretty;
	out_pretty = pretty;
	depth = 0;
	need_comma[0] = false;
}

void output_end(void)
{
	if (out_json)
		fputc('\n', out_file);
	fflush(out_file);
}

bool output_is_json(void)
{
	return out_json;
}

void json_write_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_indent(void)
{
	if (!out_pretty)
		return;
	fputc('\n', out_file);
	for (int i = 0; i < depth; i++)
		fputs("    ", out_file);
}

/* Separator, indentation and "key": before a member or element. */
static void json_member(const char *key)
{
	if (need_comma[depth])
		fputc(',', out_file);
	need_comma[depth] = true;
	if (depth > 0)
		json_indent();
	if (key) {
		json_write_string(out_file, key);
		fputs(out_pretty ? ": " : ":", out_file);
	}
}

static void json_open(const char *key, char c)
{
	json_member(key);
	fputc(c, out_file);
	if (depth < MAX_DEPTH - 1)
		depth++;
	need_comma[depth] = false;
}

static void json_close(char c)
{
	bool had_members = need_comma[depth];

	if (depth > 0)
		depth--;
	if (had_members)
		json_indent();
	fputc(c, out_file);
}

void open_json_object(const char *key)
{
	if (out_json)
		json_open(key, '{');
}

void close_json_object(void)
{
	if (out_json)
		json_close('}');
}

void open_json_array(const char *key)
{
	if (out_json)
		json_open(key, '[');
}

void close_json_array(void)
{
	if (out_json)
		json_close(']');
}

static bool wants_text(enum output_kind kind)
{
	return !out_json && kind != PRINT_JSON;
}

static bool wants_json(enum output_kind kind)
{
	return out_json && kind != PRINT_TEXT;
}

void print_string(enum output_kind kind, const char *key, const char *fmt, const char *val)
{
	if (wants_json(kind)) {
		json_member(key);
		json_write_string(out_file, val);
	} else if (wants_text(kind)) {
		fprintf(out_file, fmt ? fmt : "%s", val);
	}
}

void print_uint(enum output_kind kind, const char *key, const char *fmt, uint64_t val)
{
	if (wants_json(kind)) {
		json_member(key);
		fprintf(out_file, "%" PRIu64, val);
	} else if (wants_text(kind)) {
		fprintf(out_file, fmt ? fmt : "%" PRIu64, val);
	}
}

void print_bool(enum output_kind kind, const char *key, const char *fmt, bool val)
{
	if (wants_json(kind)) {
		json_member(key);
		fputs(val ? "true" : "false", out_file);
	} else if (wants_text(kind)) {
		fprintf(out_file, fmt ? fmt : "%s", val ? "true" : "false");
	}
}

void print_null(enum output_kind kind, const char *key, const char *fmt)
{
	if (wants_json(kind)) {
		json_member(key);
		fputs("null", out_file);
	} else if (wants_text(kind) && fmt) {
		fputs(fmt, out_file);
	}
}

void print_nl(void)
{
	if (!out_json)
		fputc('\n', out_file);
}
