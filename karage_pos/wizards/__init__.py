from . import karage_pos_api_key_wizard
