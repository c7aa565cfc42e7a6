import { parseConfig, suggest } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import type { ConnectRecord } from '../data/connect-record.js';
import { predicates, transforms } from './registry.js';
import type {
  Predicate,
  PredicateDefinition,
  Side,
  Transformation,
  TransformDefinition,
} from './transformation.js';

/** One configured step of a chain: the transform, and the predicate that gates it. */
export interface TransformStep {
  alias: string;
  /** The type as configured, e.g. `org.apache.kafka.connect.transforms.InsertField$Value`. */
  type: string;
  transform: Transformation;
  predicate?: Predicate;
  negate: boolean;
}

function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The keys under `prefix.<alias>.`, with the prefix and alias removed. */
function subConfig(config: Record<string, unknown>, prefix: string, alias: string): Record<string, unknown> {
  const head = `${prefix}.${alias}.`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (k.startsWith(head)) out[k.slice(head.length)] = v;
  return out;
}

/** Resolves `InsertField$Value` or Kafka's class name to a definition and side. */
export function resolveTransform(type: string): { definition: TransformDefinition; side: Side } | undefined {
  const dollar = type.lastIndexOf('$');
  const base = dollar < 0 ? type : type.slice(0, dollar);
  const variant = dollar < 0 ? undefined : type.slice(dollar + 1);
  const definition = transforms.find((t) => t.name === base || t.kafkaClass === base);
  if (!definition) return undefined;
  if (definition.sided !== (variant !== undefined)) return undefined;
  if (variant !== undefined && variant !== 'Key' && variant !== 'Value') return undefined;
  return { definition, side: variant === 'Key' ? 'key' : 'value' };
}

export function resolvePredicate(type: string): PredicateDefinition | undefined {
  return predicates.find((p) => p.name === type || p.kafkaClass === type);
}

export function transformTypeNames(): string[] {
  return transforms.flatMap((t) => (t.sided ? [`${t.name}$Key`, `${t.name}$Value`] : [t.name]));
}

function unknownType(key: string, type: string, names: string[]): ConfigError {
  const near = suggest(type.replace(/^org\.apache\.kafka\.connect\.transforms\.(predicates\.)?/, ''), names);
  return new ConfigError(
    `${key}: unknown type "${type}"${near ? `; did you mean "${near}"?` : `; use one of ${names.join(', ')}`}`,
    { key, suggestion: near },
  );
}

/**
 * The transform chain a connector config declares with Kafka's keys: `transforms=a,b`, `transforms.a.type`,
 * `transforms.a.<option>`, `transforms.a.predicate`, `transforms.a.negate`, `predicates=p`, `predicates.p.type`.
 * Everything is validated here, without I/O; a typo names the key and the nearest valid name.
 */
export class TransformChain {
  private constructor(readonly steps: readonly TransformStep[]) {}

  static fromConfig(config: Record<string, unknown>, where: string): TransformChain {
    const predicateAliases = listOf(config.predicates);
    const built = new Map<string, Predicate>();
    for (const alias of predicateAliases) {
      const own = subConfig(config, 'predicates', alias);
      const { type, ...rest } = own;
      const key = `predicates.${alias}.type`;
      if (typeof type !== 'string') throw new ConfigError(`${where}: ${key} is required`, { key });
      const definition = resolvePredicate(type);
      if (!definition)
        throw unknownType(
          `${where}: ${key}`,
          type,
          predicates.map((p) => p.name),
        );
      built.set(
        alias,
        definition.create(parseConfig(definition.config, rest, `${where}: predicates.${alias}`)),
      );
    }
    const aliases = listOf(config.transforms);
    checkStrayAliases(config, 'transforms', aliases, where);
    checkStrayAliases(config, 'predicates', predicateAliases, where);
    const steps = aliases.map((alias): TransformStep => {
      const { type, predicate, negate, ...rest } = subConfig(config, 'transforms', alias);
      const key = `transforms.${alias}.type`;
      if (typeof type !== 'string') throw new ConfigError(`${where}: ${key} is required`, { key });
      const resolved = resolveTransform(type);
      if (!resolved) throw unknownType(`${where}: ${key}`, type, transformTypeNames());
      const parsed = parseConfig(resolved.definition.config, rest, `${where}: transforms.${alias}`);
      const step: TransformStep = {
        alias,
        type,
        transform: resolved.definition.create(parsed, resolved.side),
        negate: negate === true || negate === 'true',
      };
      if (predicate !== undefined) {
        const p = built.get(String(predicate));
        if (!p) {
          const near = suggest(String(predicate), predicateAliases);
          throw new ConfigError(
            `${where}: transforms.${alias}.predicate: predicate "${predicate}" is not listed in predicates${near ? `; did you mean "${near}"?` : ''}`,
            { key: `transforms.${alias}.predicate`, suggestion: near },
          );
        }
        step.predicate = p;
      }
      return step;
    });
    return new TransformChain(steps);
  }

  static empty(): TransformChain {
    return new TransformChain([]);
  }

  /**
   * Runs every step in order. Returns the transformed record, or null when a step dropped it. A step runs only when
   * its predicate (if any) matches, or does not match when `negate` is set.
   */
  apply<R extends ConnectRecord>(record: R): R | null {
    let current: R | null = record;
    for (const step of this.steps) {
      if (step.predicate && step.predicate.test(current) === step.negate) continue;
      current = step.transform.apply(current);
      if (current === null) return null;
    }
    return current;
  }
}

function checkStrayAliases(
  config: Record<string, unknown>,
  prefix: string,
  aliases: string[],
  where: string,
): void {
  for (const key of Object.keys(config)) {
    if (!key.startsWith(`${prefix}.`)) continue;
    const rest = key.slice(prefix.length + 1);
    const alias = aliases.find((a) => rest.startsWith(`${a}.`));
    if (alias === undefined) {
      const guess = rest.split('.')[0] ?? rest;
      const near = suggest(guess, aliases);
      throw new ConfigError(
        `${where}: ${key}: "${guess}" is not listed in ${prefix}${near ? `; did you mean "${near}"?` : ''}`,
        { key, suggestion: near },
      );
    }
  }
}
