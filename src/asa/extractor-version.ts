// The Asa-Extractor-Version header: which extractor produced a body. Bump it when the
// extractors' output changes shape or meaning, so clients can tell answers apart.
export const EXTRACTOR_VERSION = 'amazon@pricekeep-0.1.0';
