export { openStore, redact, type Store, type EngineKind, type OpenOptions } from './database.js';
export { importKeepaProduct, importKeepaProducts, pointsOf, type ImportCounts, type ImportItem, type ImportEvents, type ImportResult } from './import-keepa.js';
export { recordObservations, type Observation, type RecordResult } from './record-observations.js';
export { readProducts, type StoredProduct, type ReadWindow } from './read-products.js';
export { findProducts, asinsForCodes, type ProductRow } from './products.js';
export { dbInfo, type DbInfo } from './db-info.js';
export { compressOldChunks, compressAllChunks } from './compression.js';
export { archiveColdPoints, ARCHIVE_AFTER_MINUTES, type ArchiveRunResult } from './point-archive.js';
export { StoreError, type StoreErrorCode } from './store-error.js';
export { migrate, listMigrations } from './migrate.js';
export {
  addTracking, removeTracking, listTracking, claimDue, renewLeases, releaseLeases, nextDueAt, finishScrape, trackingStatus,
  type TrackedProduct, type ClaimedProduct, type ScrapeResult, type TrackingStatus,
} from './tracking.js';
export { isDatabaseUnavailable } from './unavailable.js';
export {
  enqueueDeliveries, claimDeliveries, finishDelivery, listDeliveries, deliveryCounts,
  type NewDelivery, type Delivery, type DeliveryChannel, type DeliveryStatus, type AttemptOutcome, type DeliveryCounts,
} from './deliveries.js';
export {
  markSummariesStale, refreshSummaries, refreshStaleSummaries, refreshAgedSummaries, staleSummaryCount,
} from './summary-refresh.js';
export { productVersions } from './product-versions.js';
export { currentHalt, haltScraping, resumeScraping, type ScrapeHalt } from './scrape-halt.js';
