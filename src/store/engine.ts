/** Which database a store runs on; only DDL and locking differ between them, never the queries' shape. */
export type Engine = 'sqlite' | 'postgres';
