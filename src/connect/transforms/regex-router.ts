import { z } from 'zod';
import { field } from '../config-fields.js';
import { defineTransform } from './transformation.js';

function validRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const config = z.strictObject({
  regex: field.string('Regular expression that must match the whole topic name').refine(validRegex, {
    message: 'not a valid regular expression',
  }),
  replacement: field.string('Replacement; $1 (or ${1}, or ${name}) refers to a captured group'),
});

/**
 * Java's replacement syntax in JavaScript's: `${1}` and `${name}` become `$1` and `$<name>`; `\$` a literal dollar.
 */
function toJsReplacement(replacement: string): string {
  return replacement
    .replace(/\\\$/g, '$$$$')
    .replace(/\$\{(\d+)\}/g, '$$$1')
    .replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, '$$<$1>');
}

/** Renames topics that match `regex` in full, e.g. `regex=(.*)customers_(.*)`, `replacement=$2`. */
export const regexRouter = defineTransform({
  name: 'RegexRouter',
  kafkaClass: 'org.apache.kafka.connect.transforms.RegexRouter',
  sided: false,
  description: 'Rename topics matching a regular expression',
  config,
  create(c) {
    const regex = new RegExp(`^(?:${c.regex})$`);
    const replacement = toJsReplacement(c.replacement);
    return {
      apply(record) {
        if (!regex.test(record.topic)) return record;
        return { ...record, topic: record.topic.replace(regex, replacement) };
      },
    };
  },
});
